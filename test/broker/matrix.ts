/**
 * The generated differential matrix: raw packets a client sends, built from the tables rather than
 * picked by hand, each run against our broker and against mosquitto, and the outcomes compared.
 *
 *   every packet type code 0–15, sent by a client (server-only types included)
 *     × protocol 3.1 / 3.1.1 / 5.0
 *     × session state: before CONNECT, after CONNECT, with an outstanding QoS 2 id
 *   + for 5.0, every packet type that has properties × every property identifier ×
 *     valid / not valid for the type / twice / truncated value / wrong value type
 *
 * A row's outcome is what the client receives after sending its packet (types and reason codes)
 * and whether the broker closed the connection, e.g. "DISCONNECT 0x82 | closed".
 */
import { encodePacket, PROPERTIES, type ConnectPacket, type Packet, type PropertyContext, type ProtocolVersion } from '../../src/mqtt/codec/index.ts';
import { RawClient } from '../support/raw-client.ts';

export type State = 'before-connect' | 'after-connect' | 'outstanding-qos2';

export interface MatrixRow {
  id: string;
  version: ProtocolVersion;
  state: State;
  typeCode: number;
  /** For property rows: identifier and case. */
  property?: { id: number; label: string; kind: PropertyCase };
  /** The packet under test, as bytes (built for this row's client id). */
  bytes(tag: string): Uint8Array;
}

export type PropertyCase = 'valid' | 'not-for-type' | 'twice' | 'truncated' | 'wrong-type';

const TYPE_NAMES = ['RESERVED0', 'CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT', 'AUTH'];
export const typeName = (code: number) => TYPE_NAMES[code]!;

const utf8 = (s: string) => [...new TextEncoder().encode(s)];
const str = (s: string) => { const b = utf8(s); return [b.length >> 8, b.length & 0xff, ...b]; };
function vbi(n: number): number[] {
  const out: number[] = [];
  do { let b = n % 128; n = Math.floor(n / 128); if (n > 0) b |= 0x80; out.push(b); } while (n > 0);
  return out;
}
const packet = (first: number, body: number[]) => Uint8Array.from([first, ...vbi(body.length), ...body]);

export function connectBytes(version: ProtocolVersion, clientId: string): Uint8Array {
  const connect: ConnectPacket = { type: 'CONNECT', protocolName: version === 3 ? 'MQIsdp' : 'MQTT', protocolLevel: version, cleanSession: true, keepAlive: 30, clientId };
  return encodePacket(connect as Packet, { protocolVersion: version });
}

/** A well-formed body for each type code (server-only types too), `props` in place of an empty property block. */
function body(typeCode: number, version: ProtocolVersion, tag: string, props: number[] | null): { first: number; body: number[] } {
  const v5 = version === 5;
  const p = props ?? (v5 ? [0] : []);
  switch (typeCode) {
    case 0: return { first: 0x00, body: [] };
    case 1: {
      const name = version === 3 ? 'MQIsdp' : 'MQTT';
      return { first: 0x10, body: [...str(name), version, 0x02, 0x00, 0x1e, ...(v5 ? p : []), ...str(`${tag}-again`)] };
    }
    case 2: return { first: 0x20, body: [0x00, 0x00, ...(v5 ? p : [])] };
    case 3: return { first: 0x32, body: [...str(`mx/${tag}`), 0x00, 0x01, ...(v5 ? p : []), 0x68, 0x69] };
    case 4: case 5: case 7: return { first: typeCode << 4, body: [0x00, 0x01, ...(v5 && props !== null ? [0x00, ...p] : [])] };
    case 6: return { first: 0x62, body: [0x00, 0x01, ...(v5 && props !== null ? [0x00, ...p] : [])] };
    case 8: return { first: 0x82, body: [0x00, 0x02, ...(v5 ? p : []), ...str(`mx/${tag}/s`), 0x01] };
    case 9: return { first: 0x90, body: [0x00, 0x02, ...(v5 ? p : []), 0x00] };
    case 10: return { first: 0xa2, body: [0x00, 0x03, ...(v5 ? p : []), ...str(`mx/${tag}/s`)] };
    case 11: return { first: 0xb0, body: [0x00, 0x03, ...(v5 ? [...p, 0x00] : [])] };
    case 12: return { first: 0xc0, body: [] };
    case 13: return { first: 0xd0, body: [] };
    case 14: return { first: 0xe0, body: v5 && props !== null ? [0x00, ...p] : [] };
    case 15: return { first: 0xf0, body: v5 && props !== null ? [0x18, ...p] : [] };
    default: throw new Error(`type ${typeCode}`);
  }
}

/** The property contexts of the packet types that have a property block in 5.0. */
const CONTEXT_OF: Partial<Record<number, PropertyContext>> = {
  1: 'CONNECT', 2: 'CONNACK', 3: 'PUBLISH', 4: 'PUBACK', 5: 'PUBREC', 6: 'PUBREL', 7: 'PUBCOMP', 8: 'SUBSCRIBE', 9: 'SUBACK', 10: 'UNSUBSCRIBE', 11: 'UNSUBACK', 14: 'DISCONNECT', 15: 'AUTH',
};

type Definition = (typeof PROPERTIES)[number];

/** A valid value for the property's wire type (within its allowed range). */
function validValue(d: Definition): number[] {
  switch (d.wireType) {
    case 'byte': return [d.allowed?.min ?? 0];
    case 'twoByteInteger': return [0x00, Math.max(1, d.allowed?.min ?? 1)];
    case 'fourByteInteger': return [0x00, 0x00, 0x00, 0x0a];
    case 'variableByteInteger': return [0x01];
    case 'utf8String': return str('a');
    case 'binaryData': return [0x00, 0x01, 0x61];
    case 'utf8StringPair': return [...str('k'), ...str('v')];
  }
}

/** A value of the right length but not allowed (out of range, ill-formed UTF-8), or null when every value is allowed. */
function wrongValue(d: Definition): number[] | null {
  if (d.wireType === 'utf8String') return [0x00, 0x01, 0xff];
  if (d.wireType === 'utf8StringPair') return [0x00, 0x01, 0xff, ...str('v')];
  const allowed = d.allowed;
  if (allowed === undefined) return null;
  if (d.wireType === 'byte') return [allowed.max + 1];
  if (d.wireType === 'twoByteInteger' && allowed.min > 0) return [0x00, 0x00];
  if (d.wireType === 'fourByteInteger' && allowed.min > 0) return [0x00, 0x00, 0x00, 0x00];
  if (d.wireType === 'variableByteInteger' && allowed.min > 0) return [0x00];
  return null;
}

/** The value cut short: the block's length covers only part of it. */
function truncatedValue(d: Definition): number[] {
  const full = validValue(d);
  return full.slice(0, Math.max(0, full.length - 1));
}

const block = (content: number[]) => [...vbi(content.length), ...content];

export function generateMatrix(): MatrixRow[] {
  const rows: MatrixRow[] = [];
  const states: State[] = ['before-connect', 'after-connect', 'outstanding-qos2'];
  for (const version of [3, 4, 5] as const) {
    for (const state of states) {
      for (let typeCode = 0; typeCode < 16; typeCode++) {
        // A CONNECT before CONNECT is the normal case, run by every other row.
        if (typeCode === 1 && state === 'before-connect') continue;
        rows.push({
          id: `v${version}-${state}-${typeName(typeCode)}`, version, state, typeCode,
          bytes: (tag) => { const b = body(typeCode, version, tag, null); return packet(b.first, b.body); },
        });
      }
    }
  }
  for (const [code, context] of Object.entries(CONTEXT_OF) as Array<[string, PropertyContext]>) {
    const typeCode = Number(code);
    const state: State = typeCode === 1 ? 'before-connect' : 'after-connect';
    for (const d of PROPERTIES) {
      const allowed = d.contexts.includes(context);
      const cases: Array<[PropertyCase, number[]]> = [];
      if (allowed) {
        cases.push(['valid', [d.id, ...validValue(d)]]);
        if (!d.repeatable) cases.push(['twice', [d.id, ...validValue(d), d.id, ...validValue(d)]]);
        cases.push(['truncated', [d.id, ...truncatedValue(d)]]);
        const wrong = wrongValue(d);
        if (wrong !== null) cases.push(['wrong-type', [d.id, ...wrong]]);
      } else {
        cases.push(['not-for-type', [d.id, ...validValue(d)]]);
      }
      for (const [kind, content] of cases) {
        rows.push({
          id: `v5-${typeName(typeCode)}-prop${d.id.toString(16).padStart(2, '0')}-${kind}`, version: 5, state, typeCode,
          property: { id: d.id, label: d.label, kind },
          bytes: (tag) => { const b = body(typeCode, 5, tag, block(content)); return packet(b.first, b.body); },
        });
      }
    }
  }
  return rows;
}

/** Short form of what a broker sent: type and the fields a broker decides (reason codes), not its free text. */
export function describe(p: Packet): string {
  const hex = (n: number | undefined) => `0x${(n ?? 0).toString(16).padStart(2, '0')}`;
  switch (p.type) {
    case 'CONNACK': return `CONNACK ${hex(p.reasonCode)}`;
    case 'PUBLISH': return `PUBLISH q${p.qos}`;
    case 'PUBACK': case 'PUBREC': case 'PUBREL': case 'PUBCOMP': return `${p.type} ${hex(p.reasonCode)}`;
    case 'SUBACK': return `SUBACK ${p.reasonCodes.map(hex).join('/')}`;
    case 'UNSUBACK': return `UNSUBACK ${(p.reasonCodes ?? []).map(hex).join('/')}`.trim();
    case 'DISCONNECT': return `DISCONNECT ${hex(p.reasonCode)}`;
    case 'AUTH': return `AUTH ${hex(p.reasonCode)}`;
    default: return p.type;
  }
}

export interface Outcome {
  packets: string[];
  closed: boolean;
  /** Our decoder could not read what the broker sent. */
  undecodable: boolean;
}

export const show = (o: Outcome) => `${o.packets.join(', ') || '—'} | ${o.closed ? 'closed' : 'open'}${o.undecodable ? ' (undecodable)' : ''}`;

/** Runs one row against a broker on `port`: connect (unless before-connect), set up the state, send, observe. */
export async function runRow(row: MatrixRow, port: number, tag: string): Promise<Outcome> {
  const client = await RawClient.open(port, { version: row.version, autoAck: false, label: tag });
  try {
    if (row.state !== 'before-connect') {
      client.sendBytes(connectBytes(row.version, tag));
      await client.waitFor((p) => p.type === 'CONNACK', 10_000);
    }
    if (row.state === 'outstanding-qos2') {
      // The broker holds QoS 2 packet id 1 from us, PUBREC sent, PUBREL not yet.
      client.send({ type: 'PUBLISH', dup: false, qos: 2, retain: false, topic: `mx/${tag}/o`, packetId: 1, payload: Uint8Array.of(1) });
      await client.waitFor((p) => p.type === 'PUBREC', 10_000);
    }
    const from = client.received.length;
    client.sendBytes(row.bytes(tag));
    const until = async (condition: () => boolean, ms: number) => {
      const deadline = Date.now() + ms;
      while (!condition() && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 5));
        // Timers run before I/O in Node's loop: let pending socket reads in before judging.
        await new Promise((r) => setImmediate(r));
      }
    };
    let probed = false;
    if (row.state === 'before-connect') {
      // The first packet: the broker answers (CONNACK) or closes; silence is judged after 3 s.
      await until(() => client.isClosed || client.received.length > from, 3000);
      if (!client.isClosed) await until(() => client.isClosed, 300);
    } else {
      // A PINGREQ behind the packet: its PINGRESP proves the packet before it was handled
      // (brokers handle a connection's packets in order), so no guessing from quiet time.
      client.sendBytes(Uint8Array.of(0xc0, 0x00));
      probed = true;
      await until(() => client.isClosed || client.received.slice(from).filter((p) => p.type === 'PINGRESP').length > (row.typeCode === 12 ? 1 : 0), 10_000);
      if (!client.isClosed) await until(() => client.isClosed, 50);
    }
    const got = client.received.slice(from);
    if (probed) {
      const at = got.map((p) => p.type).lastIndexOf('PINGRESP');
      if (at !== -1 && (row.typeCode !== 12 || got.filter((p) => p.type === 'PINGRESP').length > 1)) got.splice(at, 1);
    }
    return { packets: got.map(describe), closed: client.isClosed, undecodable: client.decodeError !== null };
  } finally {
    client.close();
  }
}
