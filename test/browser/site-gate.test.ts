/**
 * The whole-site gate: every HTML page of the built site (found by walking dist/, so a new page is
 * covered without touching this file), in both languages, at a desktop and a phone viewport, in
 * one Chromium with several pages at once. Each page must show no console error, page error or
 * failed request; no axe-core violation over the whole document (default rules); its widgets must
 * hydrate and answer one interaction in the page's language; at 390 px nothing may overflow
 * sideways; a Chinese page's widgets must hold no English UI string. Separately, from the HTML
 * files alone, every internal link and #anchor must resolve.
 *
 * It builds nothing: `npm test` builds dist/ once for every browser suite.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { axeDefaultRules } from '../support/browser.ts';
import { brokenLinks, builtPages, type BuiltPage } from '../support/dist-pages.ts';
import { useBuiltSite } from '../support/site.ts';
import { disallowedLatin, INTERACTIONS, until, widgetUiText } from '../support/widget-checks.ts';

/** SITE_GATE_ONLY=regex narrows the run to matching paths while fixing one page; CI runs them all. */
const only = process.env.SITE_GATE_ONLY !== undefined ? new RegExp(process.env.SITE_GATE_ONLY) : null;
const pages = builtPages().filter((p) => only === null || only.test(p.path));
const site = useBuiltSite();

const VIEWPORTS = [
  { name: '1280×900', width: 1280, height: 900 },
  { name: '390×844', width: 390, height: 844 },
] as const;
type Viewport = (typeof VIEWPORTS)[number];

/** Pages open at once in the one Chromium (2 cores on CI; axe and hydration are CPU-bound). */
const PARALLEL_PAGES = 4;

const totals = { runs: 0, checks: 0, failedChecks: 0, axeViolations: 0, axeNodes: 0, widgets: 0 };

/** A tiny counting semaphore: at most `n` page runs at once, whatever Vitest's own concurrency. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try { return await task(); } finally { active--; waiting.shift()?.(); }
  };
}
const slot = limiter(PARALLEL_PAGES);

/**
 * A page run that takes longer than this has hung: Playwright's page.evaluate (axe, scrolling,
 * reading text) has no timeout of its own. Normal runs take 3–15 s on 2 cores.
 */
const PAGE_DEADLINE_MS = 120_000;

/** Page runs that hung and were retried, printed at the end (a hang that repeats fails the page). */
const hangs: string[] = [];

class Run {
  readonly problems: string[] = [];
  readonly where: string;
  /** The step in progress, named in the report if the run hangs. */
  step = 'opening the page';
  constructor(where: string) { this.where = where; }
  /** Counts one check and records its problems (none: it passed). */
  check(problems: readonly string[]): void {
    totals.checks++;
    if (problems.length > 0) totals.failedChecks++;
    this.problems.push(...problems);
  }
}

/** Opens the page with error and request tracking, hydrates every island (scrolling `client:visible` ones into view). */
async function open(context: BrowserContext, target: BuiltPage, run: Run) {
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const failedRequests: string[] = [];
  let closing = false;
  page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(`console error: ${message.text()}`); });
  page.on('pageerror', (error) => pageErrors.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => { if (!closing) failedRequests.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? '?'})`); });
  page.on('response', (response) => {
    if (response.status() >= 400 && response.url().startsWith(site.url)) failedRequests.push(`HTTP ${response.status()}: ${response.url().slice(site.url.length)}`);
  });
  await page.goto(site.url + target.path, { waitUntil: 'load' });
  run.step = 'scrolling every island into view';
  const islands = page.locator('astro-island');
  const count = await islands.count();
  // Islands are display: contents, so scroll their first element into view (client:visible ones hydrate only then).
  await islands.evaluateAll(async (els) => {
    for (const el of els) {
      (el.firstElementChild ?? el).scrollIntoView({ block: 'center' });
      // Two frames: the IntersectionObserver behind client:visible sees this position before the next scroll.
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    }
  });
  if (count > 0) {
    run.step = 'waiting for every island to hydrate';
    try {
      await until(() => page.locator('astro-island[ssr]').count(), (n) => n === 0, 'every island to hydrate (astro-island without ssr)', 20_000);
    } catch (e) {
      const stuck = await page.locator('astro-island[ssr]').evaluateAll((els) => els.map((el) => el.getAttribute('component-url')));
      run.check([`islands did not hydrate: ${stuck.join(', ')} (${(e as Error).message})`]);
    }
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  return {
    page,
    finish(): void {
      closing = true;
      run.check(consoleErrors);
      run.check(pageErrors);
      run.check(failedRequests);
    },
  };
}

async function checkWidgets(page: Page, target: BuiltPage, run: Run): Promise<void> {
  const roots = page.locator('[data-widget]');
  const count = await roots.count();
  for (let i = 0; i < count; i++) {
    const root = roots.nth(i);
    const name = (await root.getAttribute('data-widget')) ?? '?';
    const interact = INTERACTIONS[name];
    totals.widgets++;
    if (interact === undefined) { run.check([`widget ${name}: no interaction routine in test/support/widget-checks.ts`]); continue; }
    try {
      run.step = `interacting with widget ${name} #${i + 1}`;
      await root.scrollIntoViewIfNeeded();
      await interact(root, target.lang, page);
      run.check([]);
    } catch (e) {
      run.check([`widget ${name} #${i + 1}: ${(e as Error).message.split('\n')[0]}`]);
    }
  }
  // Known gap at the end of session 2: widgets inside the Chinese guides still show the lab's and
  // playground's example data and a few words in English; the check holds for every tool and embed
  // page, and is to be extended to the guides once those are marked as data (see the closing note).
  if (target.lang === 'zh-cn' && count > 0) {
    run.step = 'reading the widgets\' text for English';
    const texts = await widgetUiText(page);
    run.check(texts.flatMap(({ widget, text }, i) => {
      const words = [...new Set(disallowedLatin(text))];
      return words.length === 0 ? [] : [`English in Chinese widget ${widget} #${i + 1}: ${words.slice(0, 40).join(', ')}${words.length > 40 ? ` … (${words.length} words)` : ''}`];
    }));
  }
}

/**
 * One page at one viewport in a fresh context. A run that outlives PAGE_DEADLINE_MS is cut short:
 * the report names the step it was on and whether the page's main thread still answered, and its
 * context is closed so the next page gets the slot.
 */
async function checkPage(target: BuiltPage, viewport: Viewport): Promise<{ problems: string[]; hung: boolean }> {
  const run = new Run(`${target.path} at ${viewport.name}`);
  const context = await site.browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
  // No Playwright action may wait forever: a missing control fails that check, not the whole run.
  context.setDefaultTimeout(30_000);
  context.setDefaultNavigationTimeout(90_000);
  let opened: Awaited<ReturnType<typeof open>> | undefined;
  let hung = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<'hung'>((resolve) => { timer = setTimeout(() => resolve('hung'), PAGE_DEADLINE_MS); });
  const checks = (async () => {
    opened = await open(context, target, run);
    await checkOpenPage(opened.page, target, viewport, run);
  })();
  try {
    if (await Promise.race([checks, deadline]) === 'hung') {
      hung = true;
      const answers = opened === undefined ? 'not opened yet' : await Promise.race([
        opened.page.evaluate(() => 'yes').catch(() => 'no (evaluate failed)'),
        new Promise<string>((resolve) => setTimeout(() => resolve('no (no answer in 5 s)'), 5_000)),
      ]);
      run.check([`hung for ${PAGE_DEADLINE_MS / 1000} s while ${run.step}; the page's main thread answers: ${answers}`]);
    }
  } catch (e) {
    // Reported with the page and viewport like any other problem, not as a bare stack trace.
    run.check([`could not finish the checks while ${run.step}: ${(e as Error).message.split('\n')[0]}`]);
  } finally {
    clearTimeout(timer);
    checks.catch(() => {}); // a cut-short run rejects once its context closes
    opened?.finish();
    totals.runs++;
    await context.close();
    if (process.env.SITE_GATE_PROGRESS !== undefined) console.log(`[${totals.runs}/${pages.length * VIEWPORTS.length}] ${run.where}: ${run.problems.length} problem(s)${run.problems.map((p) => `\n    ${p}`).join('')}`);
  }
  return { problems: [...run.problems], hung };
}

/**
 * A hung run is tried once more in a fresh context: on a loaded 2-core machine Chromium has been
 * seen to stall one page in several hundred (CI, December 2026: one run hung past 180 s, while the
 * same page passes in 3 s). The hang is printed either way, and a page that hangs twice fails.
 */
async function checkPageOnce(target: BuiltPage, viewport: Viewport): Promise<string[]> {
  const first = await checkPage(target, viewport);
  if (!first.hung) return first.problems;
  hangs.push(`${target.path} at ${viewport.name}: ${first.problems.join('; ')}`);
  console.warn(`site gate: ${target.path} at ${viewport.name} hung, trying once more: ${first.problems.join('; ')}`);
  const second = await checkPage(target, viewport);
  return second.hung ? [...first.problems, ...second.problems] : second.problems;
}

async function checkOpenPage(page: Page, target: BuiltPage, viewport: Viewport, run: Run): Promise<void> {
  await checkWidgets(page, target, run);
  if (viewport.width <= 390) {
    run.step = 'measuring horizontal overflow';
    const [scrollWidth, innerWidth] = await page.evaluate(() => [document.scrollingElement!.scrollWidth, window.innerWidth]);
    run.check(scrollWidth > innerWidth ? [`horizontal overflow: the page is ${scrollWidth} px wide in a ${innerWidth} px viewport`] : []);
  }
  // Expressive Code makes a code block that scrolls sideways focusable (tabindex, role=region)
  // from a ResizeObserver, 250 ms and an idle callback after layout: axe runs after that pass, or
  // it reports the block as a scrolling region without keyboard access (seen on a fast page).
  run.step = 'waiting for Expressive Code to make scrolling code blocks focusable';
  try {
    await until(() => page.evaluate(() => Array.from(document.querySelectorAll('.expressive-code pre')).filter((pre) => pre.scrollWidth > pre.clientWidth && !pre.hasAttribute('tabindex')).length), (n) => n === 0, 'every sideways-scrolling code block to get a tabindex', 10_000);
  } catch (e) {
    run.check([(e as Error).message]);
  }
  run.step = 'running axe-core';
  const violations = await axeDefaultRules(page);
  totals.axeViolations += violations.length;
  totals.axeNodes += violations.reduce((n, v) => n + v.nodes.length, 0);
  run.check(violations.map((v) => `axe ${v.id} (${v.impact ?? '?'}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}${v.nodes.length > 3 ? ` (+${v.nodes.length - 3} more)` : ''}`));
}

describe('the built site, page by page', () => {
  it.skipIf(only !== null)('finds both languages\' pages and their widgets in dist/', () => {
    expect(pages.filter((p) => p.lang === 'en').length).toBeGreaterThan(10);
    expect(pages.filter((p) => p.lang === 'zh-cn').length).toBeGreaterThan(10);
    expect(pages.some((p) => p.path === '/') && pages.some((p) => p.path === '/zh-cn/')).toBe(true);
    expect(pages.filter((p) => p.widgets.length > 0).length).toBeGreaterThan(5);
  });

  describe('internal links and #anchors resolve (from the HTML files)', () => {
    it.each(pages.map((p) => [p.path, p] as const))('%s', (_path, target) => {
      const problems = brokenLinks(target);
      totals.checks++;
      if (problems.length > 0) totals.failedChecks++;
      expect(problems).toEqual([]);
    });
  });

  describe.concurrent('in Chromium: no errors, no axe violations, widgets answer, no overflow, no English in Chinese widgets', () => {
    for (const target of pages) {
      for (const viewport of VIEWPORTS) {
        it(`${target.path} at ${viewport.name}${target.widgets.length > 0 ? ` (${[...new Set(target.widgets)].join(', ')})` : ''}`, async () => {
          const problems = await slot(() => checkPageOnce(target, viewport));
          expect(problems, `${target.path} at ${viewport.name}`).toEqual([]);
        }, 2 * PAGE_DEADLINE_MS + 60_000);
      }
    }
  });
});

afterAll(() => {
  console.log(
    `site gate: ${pages.length} pages (${pages.filter((p) => p.lang === 'zh-cn').length} Chinese), ${totals.runs} page × viewport runs, ` +
    `${totals.widgets} widget interactions, ${totals.checks} checks, ${totals.failedChecks} failed; ` +
    `axe: ${totals.axeViolations} violations on ${totals.axeNodes} elements; ` +
    `${hangs.length} hung run(s) tried again${hangs.map((h) => `\n  hung: ${h}`).join('')}`,
  );
});
