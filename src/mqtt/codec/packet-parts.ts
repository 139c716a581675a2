/**
 * Which of the four parts of a control packet a field belongs to: the fixed header, the variable
 * header, the properties (5.0; part of the variable header on the wire, shown apart because they
 * are their own length-prefixed block), or the payload. Every view that colours a packet by part
 * uses this, so a byte is the same colour in the decoder, the builder and the reference.
 *
 * Payload fields per type: 3.1.1 §3.1.3 / 5.0 §3.1.3 (CONNECT: client id, will, user name,
 * password), §3.3.3 (PUBLISH), §3.8.3 (SUBSCRIBE), §3.9.3 (SUBACK), §3.10.3 (UNSUBSCRIBE),
 * 5.0 §3.11.3 (UNSUBACK). Not exported from the codec's index, to keep the codec bundle small.
 */
import type { PacketType } from './types.ts';

export type PacketPart = 'fixedHeader' | 'variableHeader' | 'properties' | 'payload';

const PAYLOAD_ROOTS: Readonly<Partial<Record<PacketType, ReadonlyArray<string>>>> = {
  CONNECT: ['clientId', 'will', 'username', 'password'],
  PUBLISH: ['payload'],
  SUBSCRIBE: ['subscriptions'],
  SUBACK: ['reasonCodes'],
  UNSUBSCRIBE: ['topicFilters'],
  UNSUBACK: ['reasonCodes'],
};

/** The root segment of a dotted path: `will.properties[0].id` → `will`, `subscriptions[1].qos` → `subscriptions`. */
function rootOf(path: string): string {
  const match = /^[^.[]+/.exec(path);
  return match === null ? path : match[0];
}

export function packetPart(path: string, type: PacketType): PacketPart {
  const root = rootOf(path);
  if (root === 'fixedHeader') return 'fixedHeader';
  if (root === 'properties' || path.startsWith('will.properties')) return 'properties';
  if (PAYLOAD_ROOTS[type]?.includes(root)) return 'payload';
  return 'variableHeader';
}
