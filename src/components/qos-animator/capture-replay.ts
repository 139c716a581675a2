/**
 * A QoS 1 or QoS 2 exchange recorded in a capture, replayed read-only in the animator.
 *
 * findQosExchanges() picks the exchanges out of one connection's decoded packets: a PUBLISH at
 * QoS 1 or 2 and the acknowledgements with the same packet id, PUBLISH → PUBACK (MQTT-4.3.2) or
 * PUBLISH → PUBREC → PUBREL → PUBCOMP (MQTT-4.3.3). Packet ids are per direction of a session:
 * a client's PUBLISH id 7 and the broker's PUBLISH id 7 are two exchanges, so an exchange is keyed
 * by who sent its PUBLISH and the id, and each reply must come from the other side (PUBREL from the
 * PUBLISH's sender).
 *
 * The exchange travels in the animator's URL hash (serializeReplay / parseReplay): small, and
 * every field validated, because anything in a URL may have been tampered with.
 */
import type { Message } from '../i18n/catalogue.ts';
import { clip as clipShared } from '../shared/url-hash.ts';

export type ReplaySide = 'client' | 'broker';
export type ReplayType = 'PUBLISH' | 'PUBACK' | 'PUBREC' | 'PUBREL' | 'PUBCOMP';

/** The fields of a captured packet this needs (the capture view's ViewPacket has them). */
export interface ExchangePacket {
  side: 'c2b' | 'b2c';
  type: string;
  /** Seconds since the capture's first frame. */
  time: number;
  frame: number;
  version: 3 | 4 | 5;
  packetId?: number;
  qos?: number;
  reasonCode?: number;
  topic?: string;
}

export interface ReplayStep {
  type: ReplayType;
  from: ReplaySide;
  /** Seconds after the exchange's first PUBLISH. */
  time: number;
  frame: number;
  reasonCode?: number;
}

export interface QosExchange {
  qos: 1 | 2;
  packetId: number;
  /** Who sent the PUBLISH: the client (client → broker) or the broker (delivering to this client). */
  publisher: ReplaySide;
  version: 3 | 4 | 5;
  topic?: string;
  /** The capture's stream number, if known. */
  stream?: number;
  /** Seconds from the capture's first frame to the PUBLISH. */
  start: number;
  steps: ReplayStep[];
}

export const MAX_REPLAY_STEPS = 16;

const CODE: Record<ReplayType, string> = { PUBLISH: 'P', PUBACK: 'A', PUBREC: 'R', PUBREL: 'L', PUBCOMP: 'C' };
const TYPE_OF_CODE: Record<string, ReplayType> = { P: 'PUBLISH', A: 'PUBACK', R: 'PUBREC', L: 'PUBREL', C: 'PUBCOMP' };

/** The packets that may follow `type` in an exchange of this QoS (a resend repeats the type). */
function nextTypes(qos: 1 | 2, type: ReplayType, reasonCode: number | undefined): ReplayType[] {
  if (qos === 1) return type === 'PUBLISH' ? ['PUBLISH', 'PUBACK'] : [];
  switch (type) {
    case 'PUBLISH': return ['PUBLISH', 'PUBREC'];
    // A 5.0 PUBREC with a reason code of 0x80 or more ends the exchange: no PUBREL (MQTT-4.3.3).
    case 'PUBREC': return reasonCode !== undefined && reasonCode >= 0x80 ? [] : ['PUBREC', 'PUBREL'];
    case 'PUBREL': return ['PUBREL', 'PUBCOMP'];
    default: return [];
  }
}

/** Who sends a packet of this type in an exchange whose PUBLISH came from `publisher`. */
export function senderOf(type: ReplayType, publisher: ReplaySide): ReplaySide {
  const other: ReplaySide = publisher === 'client' ? 'broker' : 'client';
  return type === 'PUBLISH' || type === 'PUBREL' ? publisher : other;
}

/** Whether nothing more is expected after the last step. */
export function isComplete(e: Pick<QosExchange, 'qos' | 'steps'>): boolean {
  const last = e.steps[e.steps.length - 1];
  return last !== undefined && last.type !== 'PUBLISH' && nextTypes(e.qos, last.type, last.reasonCode).length === 0;
}

const round6 = (s: number) => Math.round(s * 1e6) / 1e6;

/**
 * The QoS 1/2 exchanges of one connection, in the order their PUBLISH was sent. An exchange needs
 * its PUBLISH and at least one reply; an exchange the capture cut short keeps the steps it has.
 */
export function findQosExchanges(packets: readonly ExchangePacket[], stream?: number): QosExchange[] {
  const open = new Map<string, QosExchange>();
  const found: QosExchange[] = [];
  const sideOf = (p: ExchangePacket): ReplaySide => (p.side === 'c2b' ? 'client' : 'broker');
  for (const p of packets) {
    if (p.packetId === undefined) continue;
    const from = sideOf(p);
    const type = p.type as ReplayType;
    if (type === 'PUBLISH') {
      if (p.qos !== 1 && p.qos !== 2) continue;
      const key = `${from}:${p.packetId}`;
      const current = open.get(key);
      if (current !== undefined && current.steps.length === current.steps.filter((s) => s.type === 'PUBLISH').length && current.qos === p.qos
        && current.steps.length < MAX_REPLAY_STEPS) {
        // Not answered yet: the same id again is a resend (DUP), part of the same exchange.
        current.steps.push({ type, from, time: round6(p.time - current.start), frame: p.frame });
        continue;
      }
      // A new PUBLISH with an id whose exchange is still open starts a new exchange.
      const exchange: QosExchange = { qos: p.qos, packetId: p.packetId, publisher: from, version: p.version, start: p.time, steps: [{ type, from, time: 0, frame: p.frame }] };
      if (p.topic !== undefined) exchange.topic = p.topic;
      if (stream !== undefined) exchange.stream = stream;
      open.set(key, exchange);
      found.push(exchange);
      continue;
    }
    if (type !== 'PUBACK' && type !== 'PUBREC' && type !== 'PUBREL' && type !== 'PUBCOMP') continue;
    const publisher: ReplaySide = type === 'PUBREL' ? from : from === 'client' ? 'broker' : 'client';
    const key = `${publisher}:${p.packetId}`;
    const exchange = open.get(key);
    if (exchange === undefined) continue;
    const last = exchange.steps[exchange.steps.length - 1]!;
    if (!nextTypes(exchange.qos, last.type, last.reasonCode).includes(type) || exchange.steps.length >= MAX_REPLAY_STEPS) continue;
    const step: ReplayStep = { type, from, time: round6(p.time - exchange.start), frame: p.frame };
    if (p.reasonCode !== undefined) step.reasonCode = p.reasonCode;
    exchange.steps.push(step);
    if (isComplete(exchange)) open.delete(key);
  }
  return found.filter((e) => e.steps.some((s) => s.type !== 'PUBLISH'));
}

/** The replay's state: the exchange and how many of its steps are on screen. */
export interface ReplayState { exchange: QosExchange; cursor: number }

const VERSION_TEXT = { 3: '3.1', 4: '3.1.1', 5: '5' } as const;

/** The hash that opens the animator on this exchange (without the leading '#'). */
export function serializeReplay(exchange: QosExchange, cursor = 0): string {
  const params = new URLSearchParams();
  params.set('replay', String(exchange.qos));
  params.set('id', String(exchange.packetId));
  params.set('by', exchange.publisher);
  params.set('v', VERSION_TEXT[exchange.version]);
  params.set('s', exchange.steps.map((s) => CODE[s.type]).join(''));
  params.set('t', exchange.steps.map((s) => s.time.toFixed(6)).join('_'));
  params.set('f', exchange.steps.map((s) => String(s.frame)).join('_'));
  if (exchange.steps.some((s) => s.reasonCode !== undefined)) params.set('rc', exchange.steps.map((s) => (s.reasonCode === undefined ? '' : s.reasonCode.toString(16))).join('_'));
  if (exchange.topic !== undefined) params.set('topic', exchange.topic);
  if (exchange.stream !== undefined) params.set('stream', String(exchange.stream));
  params.set('start', exchange.start.toFixed(6));
  if (cursor !== 0) params.set('at', String(cursor));
  return params.toString();
}

export function isReplayHash(hash: string): boolean {
  return new URLSearchParams(hash.replace(/^[?#]/, '')).has('replay');
}

export type ReplayParse = { ok: true; state: ReplayState } | { ok: false; error: Message };

const SECONDS = /^\d{1,7}(\.\d{1,9})?$/;
const clip = (text: string): string => clipShared(text, 24);

/** Reads a replay hash; a tampered or truncated one gives a catalogue message (`animator.replay.error.…`). */
export function parseReplay(hash: string): ReplayParse {
  const params = new URLSearchParams(hash.replace(/^[?#]/, ''));
  const fail = (key: string, values?: Message['values']): ReplayParse => ({ ok: false, error: { key: `animator.replay.error.${key}`, values } });
  const get = (name: string): string | null => params.get(name);

  const q = get('replay');
  if (q !== '1' && q !== '2') return fail('qos', { value: clip(q ?? '') });
  const qos = Number(q) as 1 | 2;
  const idText = get('id') ?? '';
  const packetId = /^\d{1,5}$/.test(idText) ? Number(idText) : NaN;
  if (!(packetId >= 1 && packetId <= 65535)) return fail('packetId', { value: clip(idText) });
  const by = get('by');
  if (by !== 'client' && by !== 'broker') return fail('publisher', { value: clip(by ?? '') });
  const v = get('v') ?? '3.1.1';
  const version = v === '5' || v === '5.0' ? 5 : v === '3.1.1' || v === '4' ? 4 : v === '3.1' || v === '3' ? 3 : null;
  if (version === null) return fail('version', { value: clip(v) });

  const codes = (get('s') ?? '').split('');
  const times = (get('t') ?? '').split('_');
  const frames = (get('f') ?? '').split('_');
  const rcText = get('rc');
  const rcs = rcText === null ? null : rcText.split('_');
  if (codes.length < 2 || codes.length > MAX_REPLAY_STEPS) return fail('steps', { count: codes.length, max: MAX_REPLAY_STEPS });
  if (times.length !== codes.length || frames.length !== codes.length || (rcs !== null && rcs.length !== codes.length)) return fail('lengths');

  const steps: ReplayStep[] = [];
  for (let i = 0; i < codes.length; i++) {
    const type = TYPE_OF_CODE[codes[i]!];
    if (type === undefined) return fail('unknownStep', { value: clip(codes[i]!) });
    if (i === 0 ? type !== 'PUBLISH' : !nextTypes(qos, steps[i - 1]!.type, steps[i - 1]!.reasonCode).includes(type)) {
      return fail('order', { qos, type, position: i + 1 });
    }
    if (!SECONDS.test(times[i]!)) return fail('time', { value: clip(times[i]!) });
    const time = Number(times[i]);
    if (i === 0 ? time !== 0 : time < steps[i - 1]!.time) return fail('timeOrder', { position: i + 1 });
    if (!/^\d{1,9}$/.test(frames[i]!) || Number(frames[i]) < 1 || (i > 0 && Number(frames[i]) < steps[i - 1]!.frame)) return fail('frame', { value: clip(frames[i]!) });
    const step: ReplayStep = { type, from: senderOf(type, by), time, frame: Number(frames[i]) };
    const rc = rcs?.[i] ?? '';
    if (rc !== '') {
      if (!/^[0-9a-f]{1,2}$/i.test(rc) || type === 'PUBLISH' || version !== 5) return fail('reasonCode', { value: clip(rc) });
      step.reasonCode = parseInt(rc, 16);
    }
    steps.push(step);
  }

  const exchange: QosExchange = { qos, packetId, publisher: by, version, start: 0, steps };
  const topic = get('topic');
  if (topic !== null) {
    if (topic.length > 200 || /[+#\u0000]/.test(topic) || /[\ud800-\udfff]/.test(topic.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) return fail('topic');
    exchange.topic = topic;
  }
  const stream = get('stream');
  if (stream !== null) {
    if (!/^\d{1,7}$/.test(stream)) return fail('stream', { value: clip(stream) });
    exchange.stream = Number(stream);
  }
  const start = get('start');
  if (start !== null) {
    if (!SECONDS.test(start)) return fail('time', { value: clip(start) });
    exchange.start = Number(start);
  }
  let cursor = 0;
  const at = get('at');
  if (at !== null) {
    if (!/^\d{1,2}$/.test(at) || Number(at) > steps.length) return fail('position', { value: clip(at), count: steps.length });
    cursor = Number(at);
  }
  return { ok: true, state: { exchange, cursor } };
}

/** One row of the replay's timeline: a recorded packet between two lanes of the animator. */
export interface ReplayRow {
  index: number;
  type: ReplayType;
  /** Animator lanes: the client is the publisher lane when it sent the PUBLISH, the subscriber lane when the broker did. */
  from: 'publisher' | 'broker' | 'subscriber';
  to: 'publisher' | 'broker' | 'subscriber';
  sender: ReplaySide;
  time: number;
  /** Seconds since the previous packet of the exchange (0 for the PUBLISH). */
  delta: number;
  frame: number;
  reasonCode?: number;
  /** Same type as the step before: a resend. */
  resend: boolean;
}

export interface ReplayFrame {
  rows: ReplayRow[];
  /** The narration of the last row shown, as catalogue messages. */
  notes: Message[];
  /** What each side still holds for this message after the rows shown. */
  senderHolds: boolean;
  receiverHoldsId: boolean;
  complete: boolean;
  /** All recorded steps are shown but the exchange is unfinished: the capture ends (or moves on) before it completes. */
  cutShort: boolean;
}

export function replayRows(e: QosExchange): ReplayRow[] {
  const lane = (side: ReplaySide) => (side === 'broker' ? 'broker' as const : e.publisher === 'client' ? 'publisher' as const : 'subscriber' as const);
  return e.steps.map((s, i) => {
    const to: ReplaySide = s.from === 'client' ? 'broker' : 'client';
    const row: ReplayRow = { index: i + 1, type: s.type, from: lane(s.from), to: lane(to), sender: s.from, time: s.time, delta: i === 0 ? 0 : round6(s.time - e.steps[i - 1]!.time), frame: s.frame, resend: i > 0 && e.steps[i - 1]!.type === s.type };
    if (s.reasonCode !== undefined) row.reasonCode = s.reasonCode;
    return row;
  });
}

const seconds6 = (s: number) => s.toFixed(6);

/** The timeline with `cursor` steps shown, and what the last of them means. */
export function replayFrame(state: ReplayState): ReplayFrame {
  const e = state.exchange;
  const all = replayRows(e);
  const cursor = Math.max(0, Math.min(all.length, state.cursor));
  const rows = all.slice(0, cursor);
  const shown = { qos: e.qos, steps: e.steps.slice(0, cursor) };
  const complete = isComplete(shown);
  const last = rows[rows.length - 1];
  const notes: Message[] = [];
  const base = { qos: e.qos, id: String(e.packetId) };
  if (last === undefined) {
    notes.push({ key: 'animator.replay.note.start', values: { ...base, by: e.publisher, steps: all.length, hasTopic: e.topic !== undefined, topic: e.topic ?? '' } });
  } else {
    const values = { ...base, who: last.sender, delta: seconds6(last.delta), time: seconds6(last.time), frame: String(last.frame), code: last.reasonCode === undefined ? '' : `0x${last.reasonCode.toString(16).padStart(2, '0')}` };
    if (last.resend) notes.push({ key: 'animator.replay.note.resend', values: { ...values, type: last.type } });
    else {
      const refused = last.reasonCode !== undefined && last.reasonCode >= 0x80;
      // A PUBREC refusing the message ends the exchange (MQTT-4.3.3): its own note, not "holds the id".
      notes.push({ key: `animator.replay.note.${last.type === 'PUBREC' && refused ? 'pubrecRefused' : last.type.toLowerCase()}`, values });
      if (refused && last.type !== 'PUBREC') notes.push({ key: 'animator.replay.note.failure', values });
    }
  }
  let senderHolds = false;
  let receiverHoldsId = false;
  for (const r of rows) {
    if (r.type === 'PUBLISH') senderHolds = true;
    if (r.type === 'PUBACK' || r.type === 'PUBCOMP') senderHolds = false;
    if (r.type === 'PUBREC') { receiverHoldsId = r.reasonCode === undefined || r.reasonCode < 0x80; if (!receiverHoldsId) senderHolds = false; }
    if (r.type === 'PUBREL') receiverHoldsId = false;
  }
  const cutShort = cursor === all.length && !complete;
  if (cutShort) notes.push({ key: 'animator.replay.note.cutShort', values: base });
  return { rows, notes, senderHolds, receiverHoldsId, complete, cutShort };
}
