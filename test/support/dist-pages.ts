/**
 * The built site read as files: every HTML page in dist/ (found, not listed by hand), the widgets
 * each page holds, and a check that every internal link and #anchor resolves. No browser needed.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { langOfPath, type Lang } from '../../src/components/i18n/lang.ts';
import { DIST } from './static-server.ts';

export interface BuiltPage {
  /** The URL path the page is served at: `/guides/qos/`, `/404.html`. */
  readonly path: string;
  readonly file: string;
  readonly lang: Lang;
  /** Widget names from `data-widget` attributes in the built HTML, one entry per widget root. */
  readonly widgets: readonly string[];
}

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (name.endsWith('.html')) out.push(full);
  }
  return out;
}

function urlPathOf(file: string, dist: string): string {
  const rel = '/' + relative(dist, file).split(sep).join('/');
  return rel.endsWith('/index.html') ? rel.slice(0, -'index.html'.length) : rel;
}

/** Every HTML page of the build, sorted by path. */
export function builtPages(dist = DIST): BuiltPage[] {
  if (!existsSync(join(dist, 'index.html'))) throw new Error(`${dist} has no index.html: run \`npm run build\` first (npm test does it)`);
  return walk(dist, []).map((file) => {
    const path = urlPathOf(file, dist);
    const html = readFileSync(file, 'utf8');
    const widgets = [...html.matchAll(/\sdata-widget="([a-z0-9-]+)"/g)].map((m) => m[1]!);
    return { path, file, lang: langOfPath(path), widgets };
  });
}

const ENTITIES: Record<string, string> = { amp: '&', quot: '"', apos: "'", lt: '<', gt: '>', nbsp: '\u00a0' };

function unescapeHtml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') return String.fromCodePoint(name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1)));
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** The markup a browser parses as elements: scripts, styles and comments removed (their text may hold `href=` or `id=`). */
function elementsOnly(html: string): string {
  return html.replace(/<!--[\s\S]*?-->/g, '').replace(/<(script|style|template)\b[\s\S]*?<\/\1>/gi, '');
}

const idCache = new Map<string, Set<string>>();

function idsOf(file: string): Set<string> {
  let ids = idCache.get(file);
  if (ids === undefined) {
    ids = new Set([...elementsOnly(readFileSync(file, 'utf8')).matchAll(/\sid="([^"]*)"/g)].map((m) => unescapeHtml(m[1]!)));
    idCache.set(file, ids);
  }
  return ids;
}

/** The file a same-site URL path is served from (as test/support/static-server.ts serves it), or null. */
function fileFor(pathname: string, dist: string): string | null {
  let path: string;
  try { path = decodeURIComponent(pathname); } catch { return null; }
  const file = join(dist, path);
  if (!file.startsWith(dist)) return null;
  if (existsSync(file) && statSync(file).isFile()) return file;
  const index = join(file, 'index.html');
  return existsSync(index) ? index : null;
}

/**
 * Every `href` in the page's elements that stays on this site must name a file in dist/, and its
 * `#fragment` (if any, and if the target is HTML) an element id on the target page. Returns one
 * line per broken link.
 */
export function brokenLinks(page: BuiltPage, dist = DIST): string[] {
  const base = new URL(page.path, 'http://site.invalid');
  const problems: string[] = [];
  for (const match of elementsOnly(readFileSync(page.file, 'utf8')).matchAll(/<([a-z][a-z0-9-]*)\b[^>]*?\shref="([^"]*)"/gi)) {
    const tag = match[1]!.toLowerCase();
    const href = unescapeHtml(match[2]!);
    let url: URL;
    try { url = new URL(href, base); } catch { problems.push(`<${tag} href="${href}">: not a URL`); continue; }
    if (url.origin !== base.origin) continue; // another site, or mailto:/javascript: etc.
    const target = fileFor(url.pathname, dist);
    if (target === null) { problems.push(`<${tag} href="${href}">: no file in dist/ for ${url.pathname}`); continue; }
    if (url.hash.length <= 1 || !target.endsWith('.html')) continue;
    // Widgets keep their state in the hash as key=value pairs (#hex=30…&v=5.0): state, not an anchor.
    if (/^#[\w-]+=/.test(url.hash)) continue;
    let id: string;
    try { id = decodeURIComponent(url.hash.slice(1)); } catch { problems.push(`<${tag} href="${href}">: the fragment is not valid percent-encoding`); continue; }
    if (!idsOf(target).has(id)) problems.push(`<${tag} href="${href}">: no element with id "${id}" on ${urlPathOf(target, dist)}`);
  }
  return problems;
}
