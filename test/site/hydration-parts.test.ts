/**
 * How the widgets' server HTML is laid out for hydration, read from the built pages (issue #14;
 * src/components/shared/hydrate-in-slices.tsx and src/build/react-island-ids.mjs say why).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtPages } from '../support/dist-pages.ts';

/** The widgets big enough to hydrate in parts: each one's root task would otherwise be long. */
const WIDGETS_IN_PARTS = ['packet-builder', 'hex-decoder', 'qos-animator', 'broker-lab'];

interface Island {
  readonly page: string;
  readonly prefix: string;
  readonly html: string;
}

const pages = builtPages().map((page) => ({ ...page, html: readFileSync(page.file, 'utf8') }));

/** Every React island of the build with the useId prefix Astro gave it. Islands do not nest here. */
const islands: Island[] = pages.flatMap((page) => [...page.html.matchAll(/<astro-island\b([^>]*)>([\s\S]*?)<\/astro-island>/g)].map((m) => ({
  page: page.path,
  prefix: /\sprefix="([^"]*)"/.exec(m[1]!)?.[1] ?? '(none)',
  html: m[2]!,
})));

describe('the widgets in the built pages', () => {
  it('finds the islands it checks', () => {
    expect(islands.length).toBeGreaterThan(40);
    for (const widget of WIDGETS_IN_PARTS) expect(islands.some((i) => i.html.includes(`data-widget="${widget}"`)), widget).toBe(true);
  });

  it('sends every island whole and in place: no page holds a Suspense boundary streamed after the rest', () => {
    // React's streaming renderer leaves `<!--$?-->` where a late boundary goes and an inline $RC script to move it in.
    const streamed = pages.filter((p) => p.html.includes('<!--$?-->') || p.html.includes('$RC(')).map((p) => p.path);
    expect(streamed).toEqual([]);
  });

  it('gives every useId id in an island the prefix its client script hydrates with', () => {
    const wrong: string[] = [];
    let seen = 0;
    for (const island of islands) {
      // React's server ids look like _R_1f_ (no prefix) or _r2R_1f_ (prefix "r2").
      for (const m of island.html.matchAll(/(?<![\w-])_([a-z0-9]*)R_[0-9a-z]*_/g)) {
        seen++;
        if (m[1] !== island.prefix) wrong.push(`${island.page}: ${m[0]} in an island with prefix ${island.prefix}`);
      }
    }
    expect(seen).toBeGreaterThan(100);
    expect([...new Set(wrong)].slice(0, 10)).toEqual([]);
  });

  it('splits each large widget into parts that hydrate after its root, one at a time', () => {
    const unsplit: string[] = [];
    for (const island of islands) {
      const widget = /\sdata-widget="([a-z-]+)"/.exec(island.html)?.[1];
      if (widget === undefined || !WIDGETS_IN_PARTS.includes(widget)) continue;
      // renderToString marks a Suspense boundary it rendered as <!--$-->…<!--/$-->.
      const parts = island.html.split('<!--$-->').length - 1;
      if (parts < 2) unsplit.push(`${island.page}: ${widget} has ${parts} parts`);
    }
    expect(unsplit).toEqual([]);
  });
});
