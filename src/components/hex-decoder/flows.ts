/**
 * Who sent what: the lanes and the request/response pairs of a decoded MQTT stream, for the
 * sequence diagram. Pure: decoded packets in, directions, exchanges and flags out.
 *
 * Some packet types travel one way only (CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ go to the
 * broker; CONNACK, SUBACK, UNSUBACK, PINGRESP come back). PUBLISH and its acknowledgements go
 * either way, so their direction is inferred, and the reason is kept so the page can say it:
 *   - a Subscription Identifier in a PUBLISH: only a server sends one (MQTT-3.3.4-6);
 *   - a packet identifier still held by the client's unanswered SUBSCRIBE/UNSUBSCRIBE: the client
 *     may not reuse it (MQTT-2.2.1-3), so the PUBLISH came from the broker;
 *   - after a clean CONNECT, a topic that matches no subscription made since: the broker has
 *     nothing to deliver, so the client sent it;
 *   - the same message seen twice, the second time on a subscribed topic: a publish and its echo;
 *   - a topic matching one of the client's subscriptions: probably broker → client;
 *   - the acknowledgements of a flow go opposite to its PUBLISH (PUBREL the same way).
 * With none of these, the direction is "either".
 */
import type { PacketType } from '../../mqtt/codec/index.ts';

export type Direction = 'toBroker' | 'toClient' | 'either';
export type Confidence = 'certain' | 'inferred' | 'likely' | 'none';
export type DirectionWhy =
  | 'type' | 'disconnectV4' | 'subscriptionIdentifier' | 'packetIdInUse' | 'noSubscription'
  | 'echoOf' | 'echoedBy' | 'matchesSubscription' | 'pairedWith' | 'unknown';

/** The facts of a packet the flow analysis needs (a summary the worker can post). */
export interface FlowPacket {
  /** Position in the entry list. */
  entry: number;
  type: PacketType;
  version: 3 | 4 | 5;
  packetId?: number;
  qos?: number;
  dup?: boolean;
  topic?: string;
  topicAlias?: number;
  hasSubscriptionIdentifier?: boolean;
  /** A short fingerprint of the payload (length + first bytes), to spot echoes. */
  payloadKey?: string;
  cleanSession?: boolean;
  filters?: string[];
  reasonCode?: number;
  reasonCodes?: number[];
}

export type ExchangeKind = 'connect' | 'ping' | 'subscribe' | 'unsubscribe' | 'qos1' | 'qos2';

export interface Exchange {
  index: number;
  kind: ExchangeKind;
  packetId?: number;
  /** Entry indices, request first. Retransmissions (DUP) join their exchange. */
  members: number[];
  /** The packet type still expected, or null when the exchange is complete. */
  expecting: PacketType | null;
  /** A 5.0 reason code ≥ 0x80 ended it early. */
  failed: boolean;
}

export type FlowNote =
  | { kind: 'unanswered'; expected: PacketType }
  | { kind: 'unmatched'; packetId?: number }
  | { kind: 'countMismatch'; expected: number; actual: number };

export interface FlowResult {
  direction: Direction[];
  confidence: Confidence[];
  why: DirectionWhy[];
  /** For 'pairedWith', 'echoOf' and 'echoedBy': the other entry. */
  whyEntry: number[];
  /** For 'matchesSubscription'/'packetIdInUse': the filter or id that decided it. */
  whyDetail: string[];
  exchangeOf: number[];
  exchanges: Exchange[];
  notes: FlowNote[][];
  /** The topic a Topic Alias stands for, where an earlier PUBLISH set it up. */
  aliasTopic: Array<string | undefined>;
}

const CLIENT_SENDS: ReadonlySet<PacketType> = new Set(['CONNECT', 'SUBSCRIBE', 'UNSUBSCRIBE', 'PINGREQ']);
const BROKER_SENDS: ReadonlySet<PacketType> = new Set(['CONNACK', 'SUBACK', 'UNSUBACK', 'PINGRESP']);

/** Does `topic` match `filter` (3.1.1 §4.7 / 5.0 §4.7)? Shared subscriptions match by their filter. */
export function topicMatches(filter: string, topic: string): boolean {
  let f = filter;
  if (f.startsWith('$share/')) {
    const slash = f.indexOf('/', 7);
    if (slash === -1) return false;
    f = f.slice(slash + 1);
  }
  const fl = f.split('/');
  const tl = topic.split('/');
  // Wildcards at the first level do not match topics starting with '$' (MQTT-4.7.2-1).
  if (topic.startsWith('$') && (fl[0] === '+' || fl[0] === '#')) return false;
  for (let i = 0; i < fl.length; i++) {
    const level = fl[i]!;
    if (level === '#') return true;
    if (i >= tl.length) return false;
    if (level !== '+' && level !== tl[i]) return false;
  }
  return fl.length === tl.length;
}

const opposite = (d: Direction): Direction => (d === 'toBroker' ? 'toClient' : d === 'toClient' ? 'toBroker' : 'either');

export function analyseFlows(packets: ReadonlyArray<FlowPacket>, entryCount: number): FlowResult {
  const direction: Direction[] = new Array(entryCount).fill('either');
  const confidence: Confidence[] = new Array(entryCount).fill('none');
  const why: DirectionWhy[] = new Array(entryCount).fill('unknown');
  const whyEntry: number[] = new Array(entryCount).fill(-1);
  const whyDetail: string[] = new Array(entryCount).fill('');
  const exchangeOf: number[] = new Array(entryCount).fill(-1);
  const notes: FlowNote[][] = Array.from({ length: entryCount }, () => []);
  const aliasTopic: Array<string | undefined> = new Array(entryCount).fill(undefined);
  const exchanges: Exchange[] = [];

  const set = (entry: number, d: Direction, c: Confidence, w: DirectionWhy, other = -1, detail = '') => {
    direction[entry] = d; confidence[entry] = c; why[entry] = w; whyEntry[entry] = other; whyDetail[entry] = detail;
  };
  /** Open exchanges, oldest first, by what they wait for: `${kind}:${expected type}:${packet id}`. */
  const waiting = new Map<string, Exchange[]>();
  const keyOf = (kind: ExchangeKind, type: PacketType, packetId?: number) => `${kind}:${type}:${packetId ?? ''}`;
  const enqueue = (ex: Exchange) => {
    if (ex.expecting === null) return;
    const key = keyOf(ex.kind, ex.expecting, ex.packetId);
    const queue = waiting.get(key);
    if (queue) queue.push(ex);
    else waiting.set(key, [ex]);
  };
  const open = (kind: ExchangeKind, entry: number, expecting: PacketType, packetId?: number): Exchange => {
    const ex: Exchange = { index: exchanges.length, kind, members: [entry], expecting, failed: false };
    if (packetId !== undefined) ex.packetId = packetId;
    exchanges.push(ex);
    exchangeOf[entry] = ex.index;
    enqueue(ex);
    return ex;
  };
  /** The oldest open exchange of `kind` expecting `type` with this packet id. */
  const find = (kind: ExchangeKind, type: PacketType, packetId?: number): Exchange | undefined =>
    waiting.get(keyOf(kind, type, packetId))?.[0];
  const join = (ex: Exchange, entry: number, next: PacketType | null) => {
    if (ex.expecting !== null) {
      const queue = waiting.get(keyOf(ex.kind, ex.expecting, ex.packetId))!;
      queue.splice(queue.indexOf(ex), 1);
    }
    ex.members.push(entry);
    ex.expecting = next;
    exchangeOf[entry] = ex.index;
    enqueue(ex);
  };
  const byEntry = new Map<number, FlowPacket>();
  for (const p of packets) byEntry.set(p.entry, p);

  /** Filters granted in this capture, with the entry of the SUBSCRIBE that asked for them. */
  const granted: Array<{ filter: string; entry: number }> = [];
  /** Packet ids held by the client's SUBSCRIBE/UNSUBSCRIBE still waiting for their answer. */
  const clientIdsInUse = new Map<number, number>();
  /** Set once a CONNECT with Clean Session / Clean Start = 1 is seen. */
  let cleanConnectSeen = false;
  const aliases = new Map<number, string>();
  const firstSeen = new Map<string, number>();

  for (const p of packets) {
    const i = p.entry;
    const t = p.type;
    if (CLIENT_SENDS.has(t)) set(i, 'toBroker', 'certain', 'type');
    else if (BROKER_SENDS.has(t)) set(i, 'toClient', 'certain', 'type');
    else if (t === 'DISCONNECT' && p.version !== 5) set(i, 'toBroker', 'certain', 'disconnectV4');

    switch (t) {
      case 'CONNECT':
        cleanConnectSeen = p.cleanSession === true;
        granted.length = 0;
        open('connect', i, 'CONNACK');
        break;
      case 'CONNACK': {
        const ex = find('connect', 'CONNACK');
        if (ex) join(ex, i, null);
        else notes[i]!.push({ kind: 'unmatched' });
        break;
      }
      case 'PINGREQ':
        open('ping', i, 'PINGRESP');
        break;
      case 'PINGRESP': {
        const ex = find('ping', 'PINGRESP');
        if (ex) join(ex, i, null);
        else notes[i]!.push({ kind: 'unmatched' });
        break;
      }
      case 'SUBSCRIBE':
      case 'UNSUBSCRIBE': {
        const kind = t === 'SUBSCRIBE' ? 'subscribe' : 'unsubscribe';
        open(kind, i, t === 'SUBSCRIBE' ? 'SUBACK' : 'UNSUBACK', p.packetId);
        if (p.packetId !== undefined) clientIdsInUse.set(p.packetId, i);
        break;
      }
      case 'SUBACK':
      case 'UNSUBACK': {
        const kind = t === 'SUBACK' ? 'subscribe' : 'unsubscribe';
        const ex = find(kind, t, p.packetId);
        if (!ex) {
          notes[i]!.push({ kind: 'unmatched', ...(p.packetId !== undefined ? { packetId: p.packetId } : {}) });
          break;
        }
        join(ex, i, null);
        if (p.packetId !== undefined) clientIdsInUse.delete(p.packetId);
        const request = byEntry.get(ex.members[0]!);
        const filters = request?.filters ?? [];
        const codes = p.reasonCodes;
        // 3.1.1 UNSUBACK carries no codes; everywhere else there is one per filter (MQTT-3.9.3-1, MQTT-3.11.3-1).
        if (codes !== undefined && codes.length !== filters.length) {
          notes[i]!.push({ kind: 'countMismatch', expected: filters.length, actual: codes.length });
        }
        if (t === 'SUBACK') {
          filters.forEach((filter, k) => {
            const code = codes?.[k] ?? 0x80;
            if (code < 0x80) granted.push({ filter, entry: ex.members[0]! });
          });
        } else {
          for (const filter of filters) {
            const at = granted.findIndex((g) => g.filter === filter);
            if (at !== -1) granted.splice(at, 1);
          }
        }
        break;
      }
      case 'PUBLISH': {
        let topic = p.topic ?? '';
        if (p.topicAlias !== undefined) {
          if (topic !== '') aliases.set(p.topicAlias, topic);
          else {
            topic = aliases.get(p.topicAlias) ?? '';
            if (topic !== '') aliasTopic[i] = topic;
          }
        }
        if (p.hasSubscriptionIdentifier) set(i, 'toClient', 'certain', 'subscriptionIdentifier');
        else if (p.qos !== undefined && p.qos > 0 && p.packetId !== undefined && clientIdsInUse.has(p.packetId)) {
          set(i, 'toClient', 'inferred', 'packetIdInUse', clientIdsInUse.get(p.packetId)!, String(p.packetId));
        } else if (topic !== '') {
          const match = granted.find((g) => topicMatches(g.filter, topic));
          const key = p.payloadKey === undefined ? undefined : `${topic}\u0000${p.payloadKey}`;
          const earlier = key === undefined ? undefined : firstSeen.get(key);
          if (match !== undefined && earlier !== undefined && confidence[earlier] !== 'certain' && why[earlier] !== 'echoOf') {
            set(i, 'toClient', 'inferred', 'echoOf', earlier);
            set(earlier, 'toBroker', 'inferred', 'echoedBy', i);
          } else if (match !== undefined) {
            set(i, 'toClient', 'likely', 'matchesSubscription', match.entry, match.filter);
          } else if (cleanConnectSeen) {
            set(i, 'toBroker', 'inferred', 'noSubscription');
          }
          if (key !== undefined && !firstSeen.has(key)) firstSeen.set(key, i);
        }
        if (p.qos === 1 || p.qos === 2) {
          const kind = p.qos === 1 ? 'qos1' : 'qos2';
          const first = p.qos === 1 ? 'PUBACK' : 'PUBREC';
          const retry = p.dup ? find(kind, first, p.packetId) : undefined;
          if (retry) {
            // A retransmission: it joins the exchange it repeats, which still waits for the same answer.
            retry.members.push(i);
            exchangeOf[i] = retry.index;
          }
          else open(kind, i, first, p.packetId);
        }
        break;
      }
      case 'PUBACK':
      case 'PUBREC':
      case 'PUBREL':
      case 'PUBCOMP': {
        const kind = t === 'PUBACK' ? 'qos1' : 'qos2';
        const ex = find(kind, t, p.packetId);
        if (!ex) {
          notes[i]!.push({ kind: 'unmatched', ...(p.packetId !== undefined ? { packetId: p.packetId } : {}) });
          break;
        }
        const failed = p.version === 5 && (p.reasonCode ?? 0) >= 0x80;
        const next: PacketType | null = t === 'PUBREC' && !failed ? 'PUBREL' : t === 'PUBREL' ? 'PUBCOMP' : null;
        join(ex, i, next);
        if (failed) ex.failed = true;
        break;
      }
      default:
        break;
    }
  }

  // Acknowledgements take their direction from their PUBLISH, and vice versa.
  for (const ex of exchanges) {
    if (ex.kind !== 'qos1' && ex.kind !== 'qos2') continue;
    const publishes = ex.members.filter((m) => byEntry.get(m)?.type === 'PUBLISH');
    const head = publishes[0]!;
    const known = publishes.find((m) => direction[m] !== 'either');
    if (known === undefined) continue;
    const base = direction[known]!;
    const baseConfidence = confidence[known]!;
    for (const m of ex.members) {
      if (m === known) continue;
      const type = byEntry.get(m)!.type;
      const d = type === 'PUBLISH' || type === 'PUBREL' ? base : opposite(base);
      set(m, d, baseConfidence === 'certain' ? 'inferred' : baseConfidence, 'pairedWith', head);
    }
  }

  for (const ex of exchanges) {
    if (ex.expecting !== null) notes[ex.members[ex.members.length - 1]!]!.push({ kind: 'unanswered', expected: ex.expecting });
  }
  return { direction, confidence, why, whyEntry, whyDetail, exchangeOf, exchanges, notes, aliasTopic };
}
