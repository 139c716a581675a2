/**
 * The embed snippet model: what a trainer pastes into a course page to show one widget in the
 * state it is in now. Pure (no DOM), so it is tested headless.
 *
 * Everything that ends up inside an attribute value is escaped, because the hash comes from the
 * address bar and a link can be crafted: `#"><script>…` must stay text inside `src="…"`.
 */
import type { Lang } from '../../i18n/lang.ts';

/** The widgets that have an embed route (`/embed/<widget>/`). */
export const EMBED_WIDGETS = ['hex-decoder', 'packet-builder', 'topic-playground', 'qos-animator', 'broker-lab'] as const;
export type EmbedWidget = (typeof EMBED_WIDGETS)[number];

export const EMBED_THEMES = ['auto', 'light', 'dark'] as const;
export type EmbedTheme = (typeof EMBED_THEMES)[number];

/** First height of the frame, before the embed reports its own (the host helper then takes over). */
export const INITIAL_HEIGHT: Readonly<Record<EmbedWidget, number>> = {
  'hex-decoder': 760,
  'packet-builder': 900,
  'topic-playground': 680,
  'qos-animator': 760,
  'broker-lab': 1100,
};

/** The host helper that sizes frames and re-dispatches their events (public/embed/mqtt-lab-embed.js). */
export const HOST_SCRIPT_PATH = '/embed/mqtt-lab-embed.js';

export const isEmbedWidget = (name: string): name is EmbedWidget => (EMBED_WIDGETS as readonly string[]).includes(name);

/** The widget an embed route shows ('/zh-cn/embed/qos-animator/' → 'qos-animator'), or null. */
export function widgetFromPath(pathname: string): EmbedWidget | null {
  const match = /^\/(?:zh-cn\/)?embed\/([a-z-]+)\/?(?:index\.html)?$/.exec(pathname);
  return match !== null && isEmbedWidget(match[1]!) ? match[1] : null;
}

/** Escapes text for a double-quoted HTML attribute value (and for element text). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A hash as it may be put in a URL: '' or '#…', with characters that have no business in a URL
 * (controls, spaces, quotes, angle brackets, backticks) percent-encoded. Widgets read the hash
 * with URLSearchParams / decodeURIComponent, so the encoded form means the same to them.
 */
export function normaliseHash(hash: string): string {
  const raw = hash.replace(/^#/, '');
  if (raw === '') return '';
  const safe = raw.replace(/[\u0000-\u0020"'<>`\\^{|}\u007f]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);
  return `#${safe}`;
}

/** The origin without a trailing slash; only http(s) origins are accepted (else the site's relative path is used). */
function cleanOrigin(origin: string): string {
  return /^https?:\/\/[^/\s"'<>]+$/i.test(origin) ? origin : '';
}

export interface EmbedRequest {
  widget: EmbedWidget;
  lang: Lang;
  /** The widget's current state: `window.location.hash` ('' for the default state). */
  hash: string;
  theme: EmbedTheme;
  /** The site's origin ('https://mqtt-lab.example'); the snippet is pasted on other sites, so URLs are absolute. */
  origin: string;
  /** The frame's title (its accessible name), in the reader's language. */
  title: string;
}

export interface EmbedSnippet {
  /** The embed page's URL, with `?theme=` when chosen and the state in the hash. */
  src: string;
  /** The full tool page with the same state. */
  link: string;
  /** The `<iframe>` element. */
  iframe: string;
  /** The `<script>` line that loads the host helper (auto-sizing and events). */
  script: string;
  /** iframe, then the script line: what the Embed button copies. */
  html: string;
  height: number;
}

const langPrefix = (lang: Lang) => (lang === 'zh-cn' ? '/zh-cn' : '');

export function embedSnippet(request: EmbedRequest): EmbedSnippet {
  const origin = cleanOrigin(request.origin);
  const hash = normaliseHash(request.hash);
  const query = request.theme === 'auto' ? '' : `?theme=${request.theme}`;
  const src = `${origin}${langPrefix(request.lang)}/embed/${request.widget}/${query}${hash}`;
  const link = `${origin}${langPrefix(request.lang)}/tools/${request.widget}/${hash}`;
  const height = INITIAL_HEIGHT[request.widget];
  // allow: only clipboard-write, for the widgets' own "copy" buttons; nothing else is asked for.
  const iframe = `<iframe src="${escapeHtml(src)}" title="${escapeHtml(request.title)}" width="100%" height="${height}"`
    + ` loading="lazy" allow="clipboard-write" style="border: 0; width: 100%; max-width: 100%;"></iframe>`;
  const script = `<script src="${escapeHtml(`${origin}${HOST_SCRIPT_PATH}`)}" defer></script>`;
  return { src, link, iframe, script, html: `${iframe}\n${script}`, height };
}
