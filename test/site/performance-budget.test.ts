/**
 * The performance budget, read from the build output: for every page, the gzip size of its HTML,
 * its stylesheets and the JavaScript it loads before any interaction (module scripts, island
 * components and renderers, and everything they import statically), printed as a table.
 *
 * Budgets (issue 14): a text-only page ships no JavaScript beyond Starlight's own; each widget
 * island is at most 60 kB gzip without React; the codec chunk at most 15 kB; MQTT.js and Shiki are
 * never loaded up front — only by a dynamic import, at the moment a page needs them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const DIST = new URL('../../dist/', import.meta.url).pathname;
const KB = 1024;

/** Starlight's and Astro's own page scripts (search, table of contents, link prefetch, Expressive Code's copy button). */
const STARLIGHT_OWN = /^(page|ec|Search\.astro|MobileTableOfContents\.astro|TableOfContents\.astro|starlight-toc|preload-helper|rolldown-runtime)[._]/;
/** A widget text catalogue chunk (src/components/i18n/en.ts, zh-cn.ts), with its language. */
const CATALOGUE = /^(en|zh-cn)\.[\w-]+\.js$/;
/** React and its DOM renderer: shared by every island, excluded from the per-island budget. */
const REACT = /^(react|client|jsx-runtime|index)\.[\w-]+\.js$/;

function htmlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === '_astro' || name === 'pagefind' ? [] : htmlFiles(path);
    return name.endsWith('.html') ? [path] : [];
  });
}

const gzipCache = new Map<string, number>();
function gz(file: string): number {
  let size = gzipCache.get(file);
  if (size === undefined) gzipCache.set(file, (size = gzipSync(readFileSync(file), { level: 9 }).length));
  return size;
}

const importCache = new Map<string, { statics: string[]; lazy: string[] }>();
/** A built chunk's imports, split into static ones (loaded with it) and dynamic ones (later). */
function importsOf(chunk: string): { statics: string[]; lazy: string[] } {
  let found = importCache.get(chunk);
  if (found !== undefined) return found;
  const code = readFileSync(join(DIST, '_astro', chunk), 'utf8');
  const statics = [...code.matchAll(/(?:from|import)\s*["']\.\/([\w.-]+\.js)["']/g)].map((m) => m[1]!);
  const lazy = [...code.matchAll(/import\(\s*["'`]\.\/([\w.-]+\.js)["'`]\s*\)/g)].map((m) => m[1]!);
  found = { statics: [...new Set(statics)], lazy: [...new Set(lazy)] };
  importCache.set(chunk, found);
  return found;
}

/** Every chunk loaded along with `entries`, following static imports only. */
function closure(entries: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const chunk = queue.pop()!;
    if (seen.has(chunk)) continue;
    seen.add(chunk);
    queue.push(...importsOf(chunk).statics);
  }
  return seen;
}

const asset = (url: string) => url.replace(/^\/_astro\//, '');
const sum = (chunks: Iterable<string>) => [...chunks].reduce((total, c) => total + gz(join(DIST, '_astro', c)), 0);

interface PageCost {
  path: string;
  html: number;
  css: number;
  js: number;
  islands: Array<{ component: string; ownJs: number }>;
  initial: Set<string>;
}

function pageCost(file: string): PageCost {
  const html = readFileSync(file, 'utf8');
  const scripts = [...html.matchAll(/<script[^>]*\bsrc="(\/_astro\/[^"]+\.js)"/g)].map((m) => asset(m[1]!));
  const components = [...new Set([...html.matchAll(/component-url="(\/_astro\/[^"]+\.js)"/g)].map((m) => asset(m[1]!)))];
  const renderers = [...html.matchAll(/renderer-url="(\/_astro\/[^"]+\.js)"/g)].map((m) => asset(m[1]!));
  const styles = [...new Set([...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="(\/_astro\/[^"]+\.css)"/g)].map((m) => asset(m[1]!)))];
  const initial = closure([...scripts, ...components, ...renderers]);
  // The widget text catalogue is a dynamic import that catalogue.ts awaits at the top level, for
  // the page's language only: it loads before any island hydrates, so it counts as up front.
  const lang = /<html[^>]*\blang="([^"]+)"/.exec(html)?.[1]?.toLowerCase() === 'zh-cn' ? 'zh-cn' : 'en';
  const catalogue = [...initial].flatMap((c) => importsOf(c).lazy).find((c) => CATALOGUE.exec(c)?.[1] === lang);
  if (catalogue !== undefined) for (const chunk of closure([catalogue])) initial.add(chunk);
  return {
    path: '/' + relative(DIST, file).replace(/index\.html$/, ''),
    html: gzipSync(html, { level: 9 }).length,
    css: sum(styles),
    js: sum(initial),
    islands: components.map((component) => ({ component, ownJs: sum([...closure([component])].filter((c) => !REACT.test(c))) })),
    initial,
  };
}

const chunkText = (chunk: string) => readFileSync(join(DIST, '_astro', chunk), 'utf8');
const isMqttJs = (chunk: string) => /MqttClient|mqttjs_/.test(chunkText(chunk));
const isShiki = (chunk: string) => /createHighlighterCore|createJavaScriptRegexEngine/.test(chunkText(chunk));

describe('the performance budget of the built site', () => {
  const pages = htmlFiles(DIST).map(pageCost).sort((a, b) => a.path.localeCompare(b.path));

  it('prints HTML, CSS and JS (gzip) for every page', () => {
    const rows = pages.map((p) => `${p.path.padEnd(44)} ${(p.html / KB).toFixed(1).padStart(6)} ${(p.css / KB).toFixed(1).padStart(6)} ${(p.js / KB).toFixed(1).padStart(7)}  ${p.islands.map((i) => `${i.component.split('.')[0]} ${(i.ownJs / KB).toFixed(1)}`).join(', ')}`);
    console.log(`\nPerformance budget (gzip -9, kB): page, HTML, CSS, JS before interaction, islands without React\n${rows.join('\n')}\n${pages.length} pages`);
    expect(pages.length).toBeGreaterThan(40);
  });

  it('ships no JavaScript beyond Starlight’s own on a text-only page', () => {
    const textOnly = pages.filter((p) => p.islands.length === 0 && !p.path.includes('/embed/'));
    expect(textOnly.length).toBeGreaterThan(10);
    for (const page of textOnly) {
      const extra = [...page.initial].filter((c) => !STARLIGHT_OWN.test(c));
      expect(extra, page.path).toEqual([]);
    }
  });

  it('loads the widget text of the page\'s language only, never both catalogues', () => {
    const widgetPages = pages.filter((p) => p.islands.length > 0);
    expect(widgetPages.length).toBeGreaterThan(10);
    for (const page of widgetPages) {
      const catalogues = [...page.initial].filter((c) => CATALOGUE.test(c)).map((c) => CATALOGUE.exec(c)![1]);
      expect(catalogues, page.path).toEqual([page.path.startsWith('/zh-cn/') ? 'zh-cn' : 'en']);
    }
  });

  it('keeps every widget island within 60 kB gzip, React excluded', () => {
    const islands = pages.flatMap((p) => p.islands);
    expect(islands.length).toBeGreaterThan(5);
    for (const island of islands) expect(island.ownJs, island.component).toBeLessThanOrEqual(60 * KB);
  });

  it('keeps the codec chunk within 15 kB gzip', () => {
    const codec = readdirSync(join(DIST, '_astro')).filter((f) => /^codec\.[\w-]+\.js$/.test(f));
    expect(codec.length).toBeGreaterThanOrEqual(1);
    for (const chunk of codec) expect(gz(join(DIST, '_astro', chunk)), chunk).toBeLessThanOrEqual(15 * KB);
  });

  it('never loads MQTT.js or Shiki before they are needed', () => {
    const all = readdirSync(join(DIST, '_astro')).filter((f) => f.endsWith('.js'));
    const mqtt = all.filter(isMqttJs);
    const shiki = all.filter(isShiki);
    expect(mqtt.length, 'the lab’s MQTT.js runtime chunk exists').toBeGreaterThanOrEqual(1);
    expect(shiki.length, 'the builder’s Shiki chunks exist').toBeGreaterThanOrEqual(1);
    for (const page of pages) {
      for (const chunk of page.initial) {
        expect(mqtt.includes(chunk), `${page.path} loads MQTT.js (${chunk}) up front`).toBe(false);
        expect(shiki.includes(chunk), `${page.path} loads Shiki (${chunk}) up front`).toBe(false);
      }
    }
  });
});
