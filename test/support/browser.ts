/** Debian's Chromium driven by playwright-core; never downloads a browser. */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureDebianPackages } from './system-packages.ts';

const CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    const result = ensureDebianPackages({ chromium: 'chromium' });
    if (!result.ok) throw new Error(`Chromium is not installed and could not be installed: ${result.missing.join(', ')}\n${result.log.slice(-2000)}`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Loads axe-core into the page through the DevTools protocol, not a <script> element: the site's
 * Content-Security-Policy (script hashes) rightly refuses an injected inline script.
 */
async function injectAxe(page: Page): Promise<void> {
  if (await page.evaluate(() => 'axe' in globalThis)) return;
  await page.evaluate(AXE_SOURCE);
}

/**
 * Holds back every request whose URL matches `script` (an island's code) until the returned
 * function is called: the page shows its server-rendered HTML, not yet React's, as on a slow phone.
 */
export async function holdScripts(page: Page, script: RegExp): Promise<() => void> {
  let release = () => {};
  const held = new Promise<void>((resolve) => { release = resolve; });
  await page.route(script, async (route) => { await held; await route.continue(); });
  return release;
}

export interface AxeViolation { id: string; impact: string | null; help: string; nodes: Array<{ target: string[]; html: string }> }

/** Runs axe-core in the page and returns its violations (WCAG 2.1 A/AA rules). */
/**
 * Waits (at most 2 s) for the page's finite CSS animations and transitions to end: axe's contrast
 * check reads the colours of the moment, and a background mid-fade (a theme switch, a new log row)
 * is neither the old colour nor the new one. Infinite animations are left running.
 */
async function animationsSettled(page: Page): Promise<void> {
  await page.evaluate(() => Promise.race([
    Promise.all(document.getAnimations()
      .filter((animation) => animation.effect?.getComputedTiming().endTime !== Infinity)
      .map((animation) => animation.finished.catch(() => undefined))),
    new Promise((resolve) => setTimeout(resolve, 2_000)),
  ]).then(() => undefined));
}

export async function axeViolations(page: Page, selector?: string): Promise<AxeViolation[]> {
  await injectAxe(page);
  await animationsSettled(page);
  return page.evaluate(async (context) => {
    const axe = (globalThis as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(context ?? document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, html: n.html })) }));
  }, selector ?? null);
}

/**
 * Runs axe-core over the whole document with its default rule set (WCAG A/AA and best practices
 * such as `region`, `landmark-unique` and `heading-order`), as a reader's audit tool would.
 */
export async function axeDefaultRules(page: Page): Promise<AxeViolation[]> {
  await injectAxe(page);
  await animationsSettled(page);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (c: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, html: n.html })) }));
  });
}
