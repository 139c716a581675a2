/**
 * Site search (Pagefind, built with the site) in Chromium, through Pagefind's own browser API as
 * the search box uses it, in both languages. Widgets are kept out of the index
 * (`data-pagefind-ignore` on their roots), so no result may point at a React-generated anchor
 * such as `#_r1R_0_-exp`; and the page title is kept out of the sections, so no page is listed a
 * second time as `/#_top` (Pagefind's UI folds a section into its page only when their URLs are
 * equal).
 */
import { describe, expect, it } from 'vitest';
import { useBuiltSite } from '../support/site.ts';
import { builtPages } from '../support/dist-pages.ts';

const site = useBuiltSite();

interface Hit { url: string; title: string; sections: Array<{ url: string; title: string }> }

/**
 * Runs a Pagefind search in the page, as the search box does, and returns each result's page and
 * sections. `null` with no filter lists every page of the page's language. Passed as a string:
 * Vitest would rewrite a dynamic import() inside a function that Playwright sends to the browser.
 */
async function search(home: string, term: string | null): Promise<Hit[]> {
  const page = await site.browser.newPage();
  try {
    await page.goto(site.url + home);
    return await page.evaluate(`(async () => {
      const pagefind = await import('/pagefind/pagefind.js');
      await pagefind.init();
      const found = await pagefind.search(${JSON.stringify(term)});
      const data = await Promise.all(found.results.map((r) => r.data()));
      return data.map((d) => ({ url: d.url, title: d.meta.title, sections: d.sub_results.map((s) => ({ url: s.url, title: s.title })) }));
    })()`) as Hit[];
  } finally {
    await page.close();
  }
}

/** React's useId output (`_r1R_0_`, `«r1»`, `:r1:`) as the start of a fragment. */
const REACT_ANCHOR = /#(?:_r|«r|%C2%ABr|:r)/i;

describe('site search (Pagefind) in Chromium', () => {
  it('opens from the search button (named "Search" by its own text) and lists each matching page once', async () => {
    const page = await site.browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(site.url + '/');
      const button = page.getByRole('button', { name: 'Search', exact: true });
      await expect.poll(() => button.isEnabled(), { timeout: 30_000 }).toBe(true);
      await button.click();
      const input = page.locator('#starlight__search input');
      await input.waitFor({ timeout: 30_000 });
      await input.fill('retained');
      const links = page.locator('#starlight__search .pagefind-ui__result-link');
      // Pagefind fills each result's link after that result's own fetch: poll until ours is there.
      const readHrefs = () => links.evaluateAll((els) => els.map((a) => a.getAttribute('href') ?? ''));
      await expect.poll(readHrefs, { timeout: 30_000 }).toContain('/guides/retained-messages/');
      const hrefs = await readHrefs();
      expect(await page.locator('#starlight__search .pagefind-ui__message').textContent()).toMatch(/^\d+ results for retained$/);
      expect(hrefs.filter((h) => REACT_ANCHOR.test(h) || h.endsWith('#_top'))).toEqual([]);
      const pageLinks = await page.locator('#starlight__search .pagefind-ui__result > .pagefind-ui__result-inner > .pagefind-ui__result-title .pagefind-ui__result-link').evaluateAll((els) => els.map((a) => a.getAttribute('href')));
      expect(new Set(pageLinks).size).toBe(pageLinks.length);
    } finally {
      await page.close();
    }
  });

  it('builds Pagefind\'s search box only when a reader reaches for it, opens it with Ctrl+K on a Chinese page and speaks Chinese there', async () => {
    const page = await site.browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      const uiScripts: string[] = [];
      page.on('request', (request) => { if (/pagefind/i.test(request.url())) uiScripts.push(request.url()); });
      await page.goto(site.url + '/zh-cn/', { waitUntil: 'load' });
      const button = page.locator('button[data-open-modal]');
      await expect.poll(() => button.isEnabled(), { timeout: 30_000 }).toBe(true);
      // Past every idle moment of the load, Starlight's own script would have built it by now.
      await page.waitForTimeout(1_500);
      expect(await page.locator('#starlight__search').evaluate((el) => el.childElementCount)).toBe(0);
      expect(uiScripts).toEqual([]);

      await page.keyboard.press('Control+k');
      const input = page.locator('#starlight__search input');
      await input.waitFor({ timeout: 30_000 });
      await expect.poll(() => input.evaluate((el) => el === document.activeElement), { timeout: 10_000 }).toBe(true);
      expect(await page.locator('site-search dialog').evaluate((d) => (d as HTMLDialogElement).open)).toBe(true);
      expect(await input.getAttribute('placeholder')).toMatch(/[\u3400-\u9fff]/);
      await input.fill('保留');
      await expect.poll(() => page.locator('#starlight__search .pagefind-ui__result-link').count(), { timeout: 30_000 }).toBeGreaterThan(0);
      // Pagefind's own words speak the page's language too (its npm build never picks a language itself).
      const count = await page.locator('#starlight__search .pagefind-ui__message').textContent();
      expect(count).toMatch(/^“保留”共找到 \d+ 条结果$/);
      expect(await page.locator('#starlight__search .pagefind-ui__search-clear').textContent()).toBe('清除');
      await page.keyboard.press('Escape');
      expect(await page.locator('site-search dialog').evaluate((d) => (d as HTMLDialogElement).open)).toBe(false);
    } finally {
      await page.close();
    }
  });

  it('starts building the search box when the pointer reaches the button, before the click', async () => {
    const page = await site.browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(site.url + '/', { waitUntil: 'load' });
      const button = page.locator('button[data-open-modal]');
      await expect.poll(() => button.isEnabled(), { timeout: 30_000 }).toBe(true);
      await button.hover();
      await page.locator('#starlight__search input').waitFor({ state: 'attached', timeout: 30_000 });
      expect(await page.locator('site-search dialog').evaluate((d) => (d as HTMLDialogElement).open)).toBe(false);
    } finally {
      await page.close();
    }
  });

  for (const [lang, home] of [['English', '/'], ['Chinese', '/zh-cn/']] as const) {
    it(`indexes every ${lang} content page once, with no widget-internal anchors and no "#_top" duplicate`, async () => {
      const hits = await search(home, null);
      const indexed = hits.map((h) => h.url).sort();
      // Every Starlight page of this language is in the index (the embeds and 404 are not Starlight pages).
      const expected = builtPages().filter((p) => (home === '/' ? p.lang === 'en' : p.lang === 'zh-cn') && !p.path.includes('/embed/') && !p.path.endsWith('404.html')).map((p) => p.path).sort();
      expect(indexed).toEqual(expected);
      expect(new Set(indexed).size).toBe(indexed.length);

      const urls = hits.flatMap((h) => [h.url, ...h.sections.map((s) => s.url)]);
      expect(urls.filter((u) => REACT_ANCHOR.test(u))).toEqual([]);
      expect(urls.filter((u) => u.endsWith('#_top'))).toEqual([]);
      // A section with the page's own title is the page again, unless it is the page itself.
      const twice = hits.flatMap((h) => h.sections.filter((s) => s.title === h.title && s.url !== h.url).map((s) => s.url));
      expect(twice).toEqual([]);
    });
  }

  it('finds the broker lab guide by a word of its prose, and lists it once', async () => {
    const hits = await search('/', 'retained');
    const urls = hits.map((h) => [h.url, ...h.sections.map((x) => x.url)]);
    const pages = urls.map((u) => u[0]);
    expect(pages).toContain('/guides/retained-messages/');
    expect(new Set(pages).size).toBe(pages.length);
    expect(urls.flat().filter((u) => REACT_ANCHOR.test(u!) || u!.endsWith('#_top'))).toEqual([]);
  });
});
