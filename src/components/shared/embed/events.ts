/**
 * The messages an embed posts to the page around it, and `emitEmbedEvent` for widgets.
 *
 *   { source: 'mqtt-lab', version: 1, widget, type, detail }
 *
 * Messages go with targetOrigin '*': an embed cannot know which site frames it (that is the
 * point of embedding), and a fixed origin would silence it everywhere else. So whatever is
 * posted is treated as public: sizes, counts, packet type names, experiment ids and the fixed
 * choice ids of an experiment — never text the reader typed (topics, payloads, client ids, hex),
 * which any framing page could otherwise read.
 */
import { widgetFromPath, type EmbedWidget } from './snippet.ts';

export const MESSAGE_SOURCE = 'mqtt-lab';
export const MESSAGE_VERSION = 1;

export interface EmbedEventDetails {
  /** The embed document's height in CSS pixels, whenever it changes. */
  resize: { height: number };
  /** The widget is hydrated and interactive. */
  ready: { lang: 'en' | 'zh-cn' };
  /** The hex decoder finished decoding its input. */
  'packet-decoded': { count: number; types: string[]; malformed: number; incomplete: number };
  /** The QoS animator moved to another step (forward, back, a fault, a restart). */
  'step-changed': { step: number; total: number; done: boolean };
  /** The broker lab finished a guided experiment. */
  'experiment-finished': { experiment: string; params: Record<string, string>; prediction: string; outcome: string; expected: string; correct: boolean };
}
export type EmbedEventType = keyof EmbedEventDetails;

export interface EmbedMessage<T extends EmbedEventType = EmbedEventType> {
  source: typeof MESSAGE_SOURCE;
  version: typeof MESSAGE_VERSION;
  widget: EmbedWidget;
  type: T;
  detail: EmbedEventDetails[T];
}

export function embedMessage<T extends EmbedEventType>(widget: EmbedWidget, type: T, detail: EmbedEventDetails[T]): EmbedMessage<T> {
  return { source: MESSAGE_SOURCE, version: MESSAGE_VERSION, widget, type, detail };
}

export function isEmbedMessage(data: unknown): data is EmbedMessage {
  if (typeof data !== 'object' || data === null) return false;
  const m = data as Record<string, unknown>;
  return m.source === MESSAGE_SOURCE && m.version === MESSAGE_VERSION && typeof m.widget === 'string' && typeof m.type === 'string';
}

/** Packet type names are a closed set; anything else (never expected) is dropped rather than posted. */
const PACKET_TYPE = /^[A-Z]{4,11}$/;

/** The decoder's `packet-decoded` detail from its analysis (counts and type names only). */
export function decodedDetail(result: {
  totalEntries: number;
  counts: { valid: number; malformed: number; incomplete: number };
  entries: ReadonlyArray<{ type: string | null }>;
}): EmbedEventDetails['packet-decoded'] {
  const types = result.entries.map((e) => e.type ?? 'UNKNOWN').filter((t) => PACKET_TYPE.test(t)).slice(0, 100);
  return { count: result.totalEntries, types, malformed: result.counts.malformed, incomplete: result.counts.incomplete };
}

// ---------------------------------------------------------------------------------------------
// Browser side. Widgets and the bridge are bundled separately, so they meet through the document:
// the bridge marks <html data-mqtt-lab-ready> once the widget is interactive; events emitted before
// that wait in a window-level queue the bridge flushes right after `ready`, so `ready` comes first.

const QUEUE = '__mqttLabEmbedQueue';
type Queued = EmbedMessage[];

/** The widget this document embeds when it is framed by another page; null otherwise (then nothing is posted). */
export function framedWidget(): EmbedWidget | null {
  if (typeof window === 'undefined' || window.parent === window) return null;
  return widgetFromPath(window.location.pathname);
}

/** Posts a message to the framing page now (the bridge uses this directly). */
export function postToParent(message: EmbedMessage): void {
  window.parent.postMessage(message, '*');
}

/** Posts an event to the page framing this embed; does nothing outside an embed's iframe. */
export function emitEmbedEvent<T extends EmbedEventType>(type: T, detail: EmbedEventDetails[T]): void {
  const widget = framedWidget();
  if (widget === null) return;
  const message = embedMessage(widget, type, detail);
  if (document.documentElement.hasAttribute('data-mqtt-lab-ready')) { postToParent(message); return; }
  const w = window as unknown as Record<string, Queued | undefined>;
  (w[QUEUE] ??= []).push(message);
}

/** Takes the queued events (the bridge, once `ready` is posted). */
export function takeQueuedEvents(): EmbedMessage[] {
  const w = window as unknown as Record<string, Queued | undefined>;
  const queued = w[QUEUE] ?? [];
  w[QUEUE] = [];
  return queued;
}
