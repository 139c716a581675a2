import { describe, expect, it } from 'vitest';
import { decodedDetail, embedMessage, isEmbedMessage } from '../../src/components/shared/embed/events.ts';
import { embedSnippet, escapeHtml, normaliseHash, widgetFromPath, type EmbedRequest } from '../../src/components/shared/embed/snippet.ts';
import { hasKey } from '../../src/components/i18n/catalogue.ts';
import { EMBED_THEMES, EMBED_WIDGETS } from '../../src/components/shared/embed/snippet.ts';

const base: EmbedRequest = { widget: 'hex-decoder', lang: 'en', hash: '', theme: 'auto', origin: 'https://lab.example', title: 'MQTT hex decoder' };

/** The attributes of the one <iframe> in a snippet, read back the way a browser would. */
function iframeAttributes(html: string): Record<string, string> {
  const tag = /^<iframe ([^>]*)><\/iframe>$/.exec(html.split('\n')[0]!);
  expect(tag, html).not.toBeNull();
  const attributes: Record<string, string> = {};
  // Every value must be double-quoted and free of raw quotes and angle brackets.
  const rest = tag![1]!.replace(/([a-z-]+)="([^"<>]*)"/g, (_, name: string, value: string) => {
    attributes[name] = value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    return '';
  });
  expect(rest.trim(), `left over in ${html}`).toBe('');
  return attributes;
}

describe('the embed snippet', () => {
  it('points an English iframe at the embed route with the current hash, a title, full width, a height and lazy loading', () => {
    const s = embedSnippet({ ...base, hash: '#hex=300c0003612f6268656c6c6f2121&v=3.1.1' });
    expect(s.src).toBe('https://lab.example/embed/hex-decoder/#hex=300c0003612f6268656c6c6f2121&v=3.1.1');
    expect(s.link).toBe('https://lab.example/tools/hex-decoder/#hex=300c0003612f6268656c6c6f2121&v=3.1.1');
    const a = iframeAttributes(s.iframe);
    expect(a.src).toBe(s.src);
    expect(a.title).toBe('MQTT hex decoder');
    expect(a.width).toBe('100%');
    expect(Number(a.height)).toBeGreaterThanOrEqual(400);
    expect(a.loading).toBe('lazy');
    expect(a.allow).toBe('clipboard-write');
    expect(s.iframe).toContain('&amp;v=3.1.1');
    expect(s.html).toBe(`${s.iframe}\n<script src="https://lab.example/embed/mqtt-lab-embed.js" defer></script>`);
  });

  it('keeps the Chinese route for Chinese pages, for the frame and for the link', () => {
    const s = embedSnippet({ ...base, widget: 'qos-animator', lang: 'zh-cn', hash: '#v=5&pq=2', title: 'MQTT QoS 握手动画' });
    expect(s.src).toBe('https://lab.example/zh-cn/embed/qos-animator/#v=5&pq=2');
    expect(s.link).toBe('https://lab.example/zh-cn/tools/qos-animator/#v=5&pq=2');
    expect(iframeAttributes(s.iframe).title).toBe('MQTT QoS 握手动画');
  });

  it('adds ?theme= before the hash only when a theme is chosen', () => {
    expect(embedSnippet({ ...base, theme: 'light', hash: '#example=qos2' }).src).toBe('https://lab.example/embed/hex-decoder/?theme=light#example=qos2');
    expect(embedSnippet({ ...base, theme: 'dark' }).src).toBe('https://lab.example/embed/hex-decoder/?theme=dark');
    expect(embedSnippet({ ...base, theme: 'auto' }).src).not.toContain('theme');
    expect(embedSnippet({ ...base, theme: 'dark', lang: 'zh-cn', hash: '#a' }).link).toBe('https://lab.example/zh-cn/tools/hex-decoder/#a');
  });

  it('keeps a hostile hash inside the src attribute', () => {
    const hostile = '#"><script>alert(1)</script><img src=x onerror=alert(2)>\'`&x=1 2\n';
    const s = embedSnippet({ ...base, hash: hostile, title: 'A "quoted" <title> & more' });
    const a = iframeAttributes(s.iframe);
    expect(s.iframe).not.toMatch(/<script|<img/);
    expect(a.title).toBe('A "quoted" <title> & more');
    expect(a.src.startsWith('https://lab.example/embed/hex-decoder/#')).toBe(true);
    expect(a.src).not.toMatch(/["'<>`\s]/);
    // What the widget reads back is what the hash said (percent-encoding is undone by its parser).
    expect(decodeURIComponent(new URL(a.src).hash.slice(1))).toBe(hostile.slice(1));
    expect(s.link).not.toMatch(/["'<>`\s]/);
  });

  it('refuses an origin that is not plain http(s), falling back to a site-relative URL', () => {
    expect(embedSnippet({ ...base, origin: 'javascript:alert(1)//' }).src).toBe('/embed/hex-decoder/');
    expect(embedSnippet({ ...base, origin: 'https://a.example" onload="x' }).src).toBe('/embed/hex-decoder/');
    expect(embedSnippet({ ...base, origin: 'http://127.0.0.1:4321' }).src).toBe('http://127.0.0.1:4321/embed/hex-decoder/');
  });

  it('escapes every character that could end an attribute or start a tag', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(normaliseHash('')).toBe('');
    expect(normaliseHash('#')).toBe('');
    expect(normaliseHash('x=1')).toBe('#x=1');
    expect(normaliseHash('#f=a/+/%23')).toBe('#f=a/+/%23');
  });

  it('knows each widget by its embed route, in both languages, and nothing else', () => {
    for (const w of EMBED_WIDGETS) {
      expect(widgetFromPath(`/embed/${w}/`)).toBe(w);
      expect(widgetFromPath(`/zh-cn/embed/${w}/`)).toBe(w);
      expect(widgetFromPath(`/embed/${w}/index.html`)).toBe(w);
    }
    expect(widgetFromPath('/tools/hex-decoder/')).toBeNull();
    expect(widgetFromPath('/embed/nothing/')).toBeNull();
    expect(widgetFromPath('/fr/embed/hex-decoder/')).toBeNull();
  });

  it('has a title and every label in the catalogue', () => {
    for (const w of EMBED_WIDGETS) expect(hasKey(`embed.title.${w}`), w).toBe(true);
    for (const t of EMBED_THEMES) expect(hasKey(`embed.theme.${t}`), t).toBe(true);
  });
});

describe('embed messages', () => {
  it('have the documented shape', () => {
    expect(embedMessage('qos-animator', 'step-changed', { step: 2, total: 3, done: false })).toEqual({
      source: 'mqtt-lab', version: 1, widget: 'qos-animator', type: 'step-changed', detail: { step: 2, total: 3, done: false },
    });
    expect(isEmbedMessage(embedMessage('broker-lab', 'ready', { lang: 'en' }))).toBe(true);
    expect(isEmbedMessage({ source: 'other', version: 1, widget: 'x', type: 'ready' })).toBe(false);
    expect(isEmbedMessage('mqtt-lab')).toBe(false);
  });

  it('carry the decoder’s counts and packet type names, never anything else it read', () => {
    const detail = decodedDetail({
      totalEntries: 3,
      counts: { valid: 2, malformed: 1, incomplete: 0 },
      entries: [{ type: 'CONNECT' }, { type: 'PUBLISH' }, { type: null }, { type: 'my secret topic' }],
    });
    expect(detail).toEqual({ count: 3, types: ['CONNECT', 'PUBLISH', 'UNKNOWN'], malformed: 1, incomplete: 0 });
  });
});
