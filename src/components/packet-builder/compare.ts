/**
 * "Same intent in 3.1.1 and 5.0": the packets each version sends for the same purpose, encoded by
 * the codec and diffed field by field, with what the difference means.
 */
import { decodeAll, encodePacket, type FieldSpan, type Packet, type ProtocolVersion } from '../../mqtt/codec/index.ts';
import { toHex } from '../../input/index.ts';
import type { Explanation } from './packet-builder-model.ts';

export interface Side {
  version: ProtocolVersion;
  packets: Array<{ packet: Packet; bytes: Uint8Array; spans: FieldSpan[] }>;
  total: number;
}

export type DiffStatus = 'same' | 'changed' | 'only4' | 'only5';

export interface DiffRow {
  path: string;
  /** The codec's label of the field (a message, or a name from code that has none yet). */
  label: Explanation;
  v4: string | null;
  v5: string | null;
  status: DiffStatus;
}

export interface Comparison {
  id: string;
  /** Label keys: the scenario's title and the paragraph that explains the difference. */
  titleKey: string;
  noteKey: string;
  v4: Side;
  v5: Side;
  /** One diff per packet pair. */
  diffs: DiffRow[][];
}

const te = new TextEncoder();

interface Scenario { id: string; v4: Packet[]; v5: Packet[] }

const LONG_TOPIC = 'factory/line-7/press-3/temperature';

export const SCENARIOS: ReadonlyArray<Scenario> = [
  {
    id: 'clean',
    v4: [{ type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 4, cleanSession: true, keepAlive: 60, clientId: 'sensor-42' }],
    v5: [{ type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 5, cleanSession: true, keepAlive: 60, clientId: 'sensor-42' }],
  },
  {
    id: 'persistent',
    v4: [{ type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 4, cleanSession: false, keepAlive: 60, clientId: 'sensor-42' }],
    v5: [{ type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 5, cleanSession: false, keepAlive: 60, clientId: 'sensor-42', properties: { sessionExpiryInterval: 3600 } }],
  },
  {
    id: 'refused',
    v4: [{ type: 'CONNACK', sessionPresent: false, reasonCode: 4 }],
    v5: [{ type: 'CONNACK', sessionPresent: false, reasonCode: 0x86, properties: { reasonString: 'password expired' } }],
  },
  {
    id: 'suback',
    v4: [{ type: 'SUBACK', packetId: 3, reasonCodes: [1, 0x80] }],
    v5: [{ type: 'SUBACK', packetId: 3, reasonCodes: [1, 0x87] }],
  },
  {
    id: 'puback',
    v4: [{ type: 'PUBACK', packetId: 7 }],
    v5: [{ type: 'PUBACK', packetId: 7, reasonCode: 0x10 }],
  },
  {
    id: 'alias',
    v4: [1, 2, 3].map((n) => ({ type: 'PUBLISH', dup: false, qos: 0, retain: false, topic: LONG_TOPIC, payload: te.encode(`${20 + n}.5`) }) as Packet),
    v5: [1, 2, 3].map((n) => ({
      type: 'PUBLISH', dup: false, qos: 0, retain: false, topic: n === 1 ? LONG_TOPIC : '', payload: te.encode(`${20 + n}.5`), properties: { topicAlias: 1 },
    }) as Packet),
  },
];

function side(version: ProtocolVersion, packets: Packet[]): Side {
  const out: Side['packets'] = [];
  let total = 0;
  for (const packet of packets) {
    const bytes = encodePacket(packet, { protocolVersion: version });
    const decoded = decodeAll(bytes, { protocolVersion: version, annotate: true });
    out.push({ packet, bytes, spans: decoded.packets[0]?.fields ?? [] });
    total += bytes.length;
  }
  return { version, packets: out, total };
}

/** Field-by-field difference of two encodings of the same intent, aligned by field path. */
export function diffSpans(a: { bytes: Uint8Array; spans: FieldSpan[] } | undefined, b: { bytes: Uint8Array; spans: FieldSpan[] } | undefined): DiffRow[] {
  const hex = (x: { bytes: Uint8Array }, s: FieldSpan) => toHex(x.bytes.subarray(s.offset, s.offset + s.length), ' ');
  const rows: DiffRow[] = [];
  const bByPath = new Map((b?.spans ?? []).map((s) => [s.path, s]));
  const seen = new Set<string>();
  for (const s of a?.spans ?? []) {
    const other = bByPath.get(s.path);
    seen.add(s.path);
    const v4 = hex(a!, s);
    const v5 = other ? hex(b!, other) : null;
    rows.push({ path: s.path, label: s.label, v4, v5, status: v5 === null ? 'only4' : v4 === v5 ? 'same' : 'changed' });
  }
  // Fields only the 5.0 encoding has go where they appear in it.
  let insertAt = 0;
  for (const s of b?.spans ?? []) {
    if (seen.has(s.path)) {
      insertAt = rows.findIndex((r) => r.path === s.path) + 1;
      continue;
    }
    rows.splice(insertAt, 0, { path: s.path, label: s.label, v4: null, v5: hex(b!, s), status: 'only5' });
    insertAt++;
  }
  return rows;
}

export function compare(id: string): Comparison | null {
  const scenario = SCENARIOS.find((s) => s.id === id);
  if (scenario === undefined) return null;
  const v4 = side(4, scenario.v4);
  const v5 = side(5, scenario.v5);
  const count = Math.max(v4.packets.length, v5.packets.length);
  const diffs: DiffRow[][] = [];
  for (let i = 0; i < count; i++) diffs.push(diffSpans(v4.packets[i], v5.packets[i]));
  return { id, titleKey: `cmp_${id}`, noteKey: `cmp_${id}_note`, v4, v5, diffs };
}
