import { bytesToHex } from './binary-reader.ts';
import type { DecodedPacket, Packet, Properties } from './types.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Properties as JSON: binary values as lowercase hex, everything else as is. */
export function propertiesToJson(properties: Properties): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (const [key, value] of Object.entries(properties)) {
    if (value instanceof Uint8Array) out[key] = bytesToHex(value);
    else if (key === 'userProperties') out[key] = (value as Array<[string, string]>).map(([k, v]) => [k, v]);
    else out[key] = value as JsonValue;
  }
  return out;
}

/** The CLI's and the widgets' JSON form of a packet (field names documented in the README). */
export function packetToJson(packet: Packet): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = { type: packet.type };
  for (const [key, value] of Object.entries(packet)) {
    if (key === 'type' || value === undefined) continue;
    if (key === 'payload' || key === 'password') out[`${key}Hex`] = bytesToHex(value as Uint8Array);
    else if (key === 'properties') out.properties = propertiesToJson(value as Properties);
    else if (key === 'will') {
      const will = value as NonNullable<Extract<Packet, { type: 'CONNECT' }>['will']>;
      const w: { [key: string]: JsonValue } = { topic: will.topic, payloadHex: bytesToHex(will.payload), qos: will.qos, retain: will.retain };
      if (will.properties !== undefined) w.properties = propertiesToJson(will.properties);
      out.will = w;
    } else out[key] = value as JsonValue;
  }
  return out;
}

export function decodedToJson(decoded: DecodedPacket): { [key: string]: JsonValue } {
  const body = packetToJson(decoded.packet);
  const out: { [key: string]: JsonValue } = { type: decoded.packet.type, offset: decoded.offset, length: decoded.length, remainingLength: decoded.remainingLength };
  for (const [key, value] of Object.entries(body)) if (key !== 'type') out[key] = value;
  if (decoded.fields !== undefined) out.fields = decoded.fields.map((f) => ({ ...f, bits: f.bits ?? null })) as unknown as JsonValue;
  return out;
}
