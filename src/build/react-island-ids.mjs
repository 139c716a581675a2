/**
 * Matching useId ids in every React island: a Vite transform of @astrojs/react's server renderer.
 *
 * Astro gives each island an identifierPrefix ("r0", "r1", …) so that the ids useId makes in two
 * islands on one page differ; the island's client script hydrates with that prefix. With
 * `experimentalDisableStreaming` (astro.config.mjs says why we use it) @astrojs/react 7.0.0 calls
 * `renderToString(vnode)` without its render options, so the server HTML has unprefixed ids
 * (`_R_0_`) while the client expects `_r2R_0_`. React does not patch attributes that differ at
 * hydration, and later renders update only the attributes whose values change, so a listbox's
 * aria-activedescendant pointed at an option id that was never in the page (axe found it).
 *
 * The fix passes the options the streaming path already passes. The build fails if the renderer's
 * code changes shape, so an upgrade cannot silently drop it; test/site/hydration-parts.test.ts
 * checks the ids in the built pages.
 */
const RENDERER = /[\\/]@astrojs[\\/]react[\\/]dist[\\/]server\.js$/;
const UNPATCHED = 'ReactDOM.renderToString(vnode)';
const PATCHED = 'ReactDOM.renderToString(vnode, renderOptions)';

/** @returns {import('vite').Plugin} */
function passRenderOptions() {
  return {
    name: 'mqtt-lab:react-island-ids',
    enforce: 'pre',
    transform(code, id) {
      if (!RENDERER.test(id.split('?')[0])) return null;
      if (code.includes(PATCHED)) return null;
      if (!code.includes(UNPATCHED) || !code.includes('identifierPrefix: prefix')) {
        this.error('@astrojs/react changed: cannot pass identifierPrefix to renderToString (see src/build/react-island-ids.mjs)');
      }
      return { code: code.replace(UNPATCHED, PATCHED), map: null };
    },
  };
}

/** @returns {import('astro').AstroIntegration} */
export default function reactIslandIds() {
  return {
    name: 'mqtt-lab:react-island-ids',
    hooks: {
      'astro:config:setup': ({ updateConfig }) => {
        updateConfig({ vite: { plugins: [passRenderOptions()] } });
      },
    },
  };
}
