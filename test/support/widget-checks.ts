/**
 * What the site gate does with each widget it finds: one basic interaction per widget kind (the
 * same routine on every page that holds that widget), answered in the page's language, and the
 * check that a Chinese page's widget text holds no English UI string.
 *
 * Widgets are found by the `data-widget="name"` attribute on their root element.
 */
import type { Locator, Page } from 'playwright-core';
import type { Lang } from '../../src/components/i18n/lang.ts';

/** Polls `read` until `ok` holds (no fixed sleeps); throws naming what it waited for and the last value. */
export async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let error: unknown;
  for (let delay = 25; ; delay = Math.min(delay * 2, 250)) {
    try {
      last = await read();
      if (ok(last)) return last;
    } catch (e) { error = e; }
    if (Date.now() > deadline) {
      const seen = last === undefined ? (error instanceof Error ? error.message.split('\n')[0] : 'nothing') : JSON.stringify(last).slice(0, 200);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last seen: ${seen})`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

const CJK = /[\u3400-\u9fff]/;

/** Text that answers an interaction must be in the page's language: Chinese characters on a zh-cn page, none on an English one. */
export function assertLanguage(text: string, lang: Lang, where: string): void {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean === '') throw new Error(`${where} is empty`);
  if (lang === 'zh-cn' && !CJK.test(clean)) throw new Error(`${where} is not in Chinese: "${clean.slice(0, 160)}"`);
  if (lang === 'en' && CJK.test(clean)) throw new Error(`${where} holds Chinese on an English page: "${clean.slice(0, 160)}"`);
}

const text = async (locator: Locator): Promise<string> => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();

export type Interaction = (root: Locator, lang: Lang, page: Page) => Promise<void>;

/** One basic interaction per widget kind. Each throws (with what it expected) when the widget does not answer. */
export const INTERACTIONS: Readonly<Record<string, Interaction>> = {
  /** Paste a PUBLISH (topic a/b, payload "hello!!"): the field tree shows its topic. */
  'hex-decoder': async (root, lang) => {
    await root.getByTestId('hd-input').fill('30 0c 00 03 61 2f 62 68 65 6c 6c 6f 21 21');
    await until(() => text(root.locator('[role="tree"] [data-path="topic"]').first()), (t) => t.includes('a/b'), 'the decoded PUBLISH topic "a/b" in the field tree');
    assertLanguage(await text(root.getByTestId('hd-status')), lang, 'the decoder status');
  },
  /** Decode a PINGREQ with the form's submit button. */
  'quick-decode': async (root, lang) => {
    await root.getByTestId('hex-input').fill('c0 00');
    await root.locator('button[type="submit"]').click();
    const output = await until(() => text(root.getByTestId('decode-output')), (t) => t.includes('PINGREQ'), 'PINGREQ in the decode output');
    assertLanguage(output.replace(/PINGREQ/g, ''), lang, 'the decode output');
  },
  /** Choose PINGREQ as the packet type: the bytes become c0 00. */
  'packet-builder': async (root, lang) => {
    await root.getByTestId('pb-type').selectOption('PINGREQ');
    await until(() => text(root.getByTestId('pb-hex')), (t) => t.replace(/\s/g, '').toLowerCase() === 'c000', 'the bytes c0 00 for a PINGREQ');
    assertLanguage(await text(root.getByTestId('pb-status')), lang, 'the builder status');
  },
  /** Add a filter and type '#': the matrix gains a row and the match count changes. */
  'topic-playground': async (root, lang) => {
    const inputs = root.locator('[data-testid^="filters-input-"]');
    const before = await inputs.count();
    const countBefore = await text(root.getByTestId('match-count'));
    await root.getByTestId('add-filters').click();
    await until(() => inputs.count(), (n) => n === before + 1, `${before + 1} filter inputs after "add a filter"`);
    await inputs.last().fill('#');
    const count = await until(() => text(root.getByTestId('match-count')), (t) => t !== countBefore, `the match count to change from "${countBefore}" after adding the filter "#"`);
    assertLanguage(count, lang, 'the match count');
  },
  /** Step once: the narration moves on. */
  'qos-animator': async (root, lang) => {
    const before = await text(root.getByTestId('narration'));
    await root.getByTestId('step').click();
    const narration = await until(() => text(root.getByTestId('narration')), (t) => t !== before && t !== '', 'the narration to change after one step');
    assertLanguage(narration, lang, 'the narration');
  },
  /** With a guided experiment: predict, run, and read the outcome. Without one: connect the first client. */
  'broker-lab': async (root, lang) => {
    await until(() => root.getAttribute('data-ready'), (r) => r === 'true', 'the lab to be ready (data-ready="true")', 20_000);
    const predictions = root.locator('[data-testid^="predict-"]');
    if (await predictions.count() > 0) {
      await predictions.first().check();
      await root.getByTestId('run').click();
      const outcome = await until(() => text(root.getByTestId('outcome')), (t) => t !== '', 'the experiment outcome', 30_000);
      assertLanguage(outcome, lang, 'the experiment outcome');
    } else {
      const connect = root.locator('[data-testid^="connect-"]:enabled').first();
      const label = ((await connect.getAttribute('data-testid')) ?? '').slice('connect-'.length);
      const status = root.getByTestId(`status-${label}`);
      const before = await text(status);
      await connect.click();
      const after = await until(() => text(status), (t) => t !== before, `client ${label}'s status to change after Connect`);
      assertLanguage(after, lang, `client ${label}'s status`);
    }
  },
  /** Type 16384: it encodes as 80 80 01. */
  'remaining-length': async (root, lang) => {
    await root.locator('input').first().fill('16384');
    const summary = await until(() => text(root.getByTestId('rl-summary')), (t) => t.includes('80 80 01'), 'the encoding 80 80 01 of 16384');
    assertLanguage(summary.replace(/[\d\s]/g, ''), lang, 'the remaining-length summary');
  },
};

/**
 * Latin text allowed in a Chinese widget, in one place. Everything else in Latin letters is taken
 * for an untranslated English UI string. Before words are compared:
 * - code, key caps, preformatted text, text areas, hex grids and anything marked translate="no"
 *   (the HTML way to say "data, not prose": topic names, client ids, payloads) are left out;
 * - URLs, anything with a slash (topic names and filters such as home/front-door/unlock, site
 *   paths), spec rule ids (MQTT-3.3.2-2), 0x… numbers and numbers with a unit (250 ms, 10 s, 4 kB)
 *   are removed.
 * Then each remaining Latin word (or phrase, matched first) must be one of these.
 */
export const ZH_ALLOWED_LATIN = {
  /** Names a Chinese engineer writes in Latin letters: the protocol, products, formats. */
  names: ['MQTT', 'MQTT.js', 'mosquitto', 'Mosquitto', 'Wireshark', 'tshark', 'tcpdump', 'xxd', 'hexdump', 'WebSocket', 'TCP', 'TLS', 'IP', 'UTF-8', 'UTF', 'JSON', 'URL', 'ID', 'IoT', 'Broker', 'broker', 'Client', 'Base64', 'base64', 'ASCII', 'C', 'JavaScript', 'Python', 'Go', 'Rust'],
  /** The 15 control packets, the fixed-header flags, the QoS names. */
  packets: ['CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT', 'AUTH', 'DUP', 'QoS', 'RETAIN'],
  /** Field and property names as the specifications spell them (kept in English in Chinese docs, often beside a translation). */
  fields: [
    'Client ID', 'Client Identifier', 'Clean Session', 'Clean Start', 'Keep Alive', 'Keepalive', 'Session Present', 'Will Flag', 'Will QoS', 'Will Retain',
    'User Name Flag', 'Password Flag', 'User Name', 'Username', 'Password', 'Packet Identifier', 'Packet ID', 'Topic Name', 'Topic Filter', 'Reason Code', 'Return Code',
    'Protocol Name', 'Protocol Level', 'Remaining Length', 'No Local', 'Retain As Published', 'Retain Handling', 'Session Expiry Interval', 'Receive Maximum',
    'Maximum Packet Size', 'Topic Alias Maximum', 'Topic Alias', 'Request Response Information', 'Request Problem Information', 'User Property',
    'Authentication Method', 'Authentication Data', 'Will Delay Interval', 'Payload Format Indicator', 'Message Expiry Interval', 'Content Type',
    'Response Topic', 'Correlation Data', 'Subscription Identifier', 'Assigned Client Identifier', 'Server Keep Alive', 'Response Information',
    'Server Reference', 'Reason String', 'Maximum QoS', 'Retain Available', 'Wildcard Subscription Available', 'Subscription Identifiers Available',
    'Subscription Identifier Available', 'Shared Subscription Available', 'ShareName', 'cleanSession', 'keepalive', 'clientId',
  ],
  /** Keys named on the keyboard, which Chinese keyboards label in English too. */
  keys: ['Page Up', 'Page Down', 'PgUp', 'PgDn', 'Home', 'End', 'Enter', 'Esc', 'Tab', 'Space', 'Shift'],
  /**
   * Data, not UI: the client ids, topic levels and payloads of the widgets' built-in examples
   * (the animator's two clients, the lab's experiments), shown as the values they are.
   */
  data: ['publisher', 'subscriber', 'hello', 'lab', 'news', 'pub', 'sub', 'mosq', 'SYS', 'home', 'sensor', 'kitchen', 'temperature'],
  /** Units next to numbers when not attached to one. */
  units: ['ms', 's', 'min', 'h', 'B', 'kB', 'KB', 'MB', 'KiB', 'MiB', 'bit', 'bits'],
} as const;

const ALLOWED_PHRASES = [...ZH_ALLOWED_LATIN.names, ...ZH_ALLOWED_LATIN.packets, ...ZH_ALLOWED_LATIN.fields, ...ZH_ALLOWED_LATIN.keys, ...ZH_ALLOWED_LATIN.data, ...ZH_ALLOWED_LATIN.units]
  .sort((a, b) => b.length - a.length);

const REMOVED_PATTERNS: readonly RegExp[] = [
  /\b(?:https?|wss?|mqtts?|tcp):\/\/\S+/g,
  /[^\s"“”'‘’()（）]*\/[^\s"“”'‘’()（）]*/g, // anything with a slash: topics (home/front-door/unlock), filters, site paths
  /\bMQTT-\d+(?:\.\d+)+(?:-\d+)?\b/g,
  /\b0x[0-9a-f]+\b/gi,
  /\b\d+(?:[.,]\d+)*\s?(?:ms|s|min|h|kB|KB|MB|KiB|MiB|B|bit|bits)\b/g,
];

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const PHRASE = new RegExp(`(?<![A-Za-z0-9])(?:${ALLOWED_PHRASES.map(escapeRegExp).join('|')})(?![A-Za-z0-9])`, 'g');

/** The Latin words in `text` that the allow-list does not cover, e.g. ["Decode", "bytes"]. */
export function disallowedLatin(text: string): string[] {
  let rest = text;
  for (const pattern of REMOVED_PATTERNS) rest = rest.replace(pattern, ' ');
  rest = rest.replace(PHRASE, ' ');
  const words = rest.match(/[A-Za-z][A-Za-z0-9]*(?:['’][a-z]+)?/g) ?? [];
  // Hex bytes and digits-with-letters tokens (c0, 1a, 3f2e) are data, not words.
  // A single letter is a key name or a label (D、U、L as shortcuts; client A and B), not a word.
  return words.filter((w) => w.length > 1 && !/^[0-9a-f]{1,2}$/i.test(w) && !(/\d/.test(w) && /^[0-9a-f]+$/i.test(w)));
}

/** Elements whose text is code or data, not UI prose. */
export const NOT_PROSE = 'code, kbd, pre, samp, var, textarea, script, style, svg, [translate="no"], .mqtt-pv__grid, [role="grid"]';

/** The rendered UI text of every widget root on the page: text nodes and aria-label/title/placeholder/alt, code and data left out. */
export async function widgetUiText(page: Page): Promise<Array<{ widget: string; text: string }>> {
  return page.evaluate((notProse) => {
    const out: Array<{ widget: string; text: string }> = [];
    for (const root of Array.from(document.querySelectorAll<HTMLElement>('[data-widget]'))) {
      const parts: string[] = [];
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
        acceptNode: (node) => (node instanceof Element && node.matches(notProse) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
      });
      for (let node: Node | null = walker.currentNode; node !== null; node = walker.nextNode()) {
        if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent ?? '');
        else for (const attribute of ['aria-label', 'title', 'placeholder', 'alt']) {
          const value = (node as Element).getAttribute(attribute);
          if (value !== null) parts.push(value);
        }
      }
      out.push({ widget: root.getAttribute('data-widget') ?? '?', text: parts.join(' ') });
    }
    return out;
  }, NOT_PROSE);
}
