/** One-line summaries of packets for the lab's packet log, in the spirit of Wireshark's Info column. */
import { reasonCodeName, type Packet, type ProtocolVersion, type Properties } from '../codec/index.ts';
import { clipText, payloadText } from './payload-text.ts';
import type { LabMessage } from './types.ts';

export { clipText, payloadText };

const hex2 = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;

/**
 * A summary is a list of message parts (`lab.pkt.…`), rendered one after the other: the words
 * and the punctuation are per language in the catalogue, the packet's values are passed through.
 * Reason codes keep the specification's names (like packet and field names).
 */
type Part = LabMessage;
const part = (key: string, values?: Record<string, string | number | boolean>): Part => (values === undefined ? { key: `lab.pkt.${key}` } : { key: `lab.pkt.${key}`, values });

function code(packet: Packet['type'], value: number, version: ProtocolVersion): string {
  return `${hex2(value)} ${reasonCodeName(packet, value, version)}`;
}

function propertyNotes(properties: Properties | undefined): Part[] {
  if (properties === undefined) return [];
  const notes: Part[] = [];
  if (properties.sessionExpiryInterval !== undefined) notes.push(part('note.sessionExpiry', { never: properties.sessionExpiryInterval === 0xffff_ffff, s: String(properties.sessionExpiryInterval) }));
  if (properties.messageExpiryInterval !== undefined) notes.push(part('note.messageExpiry', { s: String(properties.messageExpiryInterval) }));
  if (properties.willDelayInterval !== undefined) notes.push(part('note.willDelay', { s: String(properties.willDelayInterval) }));
  if (properties.assignedClientIdentifier !== undefined) notes.push(part('note.assignedId', { id: clipText(properties.assignedClientIdentifier, 24) }));
  if (properties.serverKeepAlive !== undefined) notes.push(part('note.serverKeepAlive', { s: String(properties.serverKeepAlive) }));
  if (properties.topicAlias !== undefined) notes.push(part('note.alias', { n: String(properties.topicAlias) }));
  if (properties.userProperties !== undefined && properties.userProperties.length > 0) notes.push(part('note.userProperties', { n: properties.userProperties.length }));
  if (properties.authenticationMethod !== undefined) notes.push(part('note.authMethod', { method: clipText(properties.authenticationMethod, 32) }));
  if (properties.authenticationData !== undefined) {
    // SCRAM's messages are text (r=…,s=…,i=…); other methods may send bytes.
    const data = payloadText(properties.authenticationData);
    notes.push(part('note.authData', { printable: data.printable, text: data.printable ? clipText(data.text, 48) : '', bytes: properties.authenticationData.length }));
  }
  if (properties.reasonString !== undefined) notes.push(part('note.reasonString', { text: clipText(properties.reasonString, 48) }));
  return notes;
}

/** `parts` joined by a separator part. */
function joined(parts: Part[], separator: string): Part[] {
  return parts.flatMap((p, i) => (i === 0 ? [p] : [part(separator), p]));
}

const withNotes = (head: Part[], notes: Part[]): Part[] => (notes.length === 0 ? head : [...head, part('open'), ...joined(notes, 'comma'), part('close')]);

export function summarizePacket(packet: Packet, version: ProtocolVersion): Part[] {
  switch (packet.type) {
    case 'CONNECT': {
      const parts = [part('connect', {
        version: packet.protocolLevel === 5 ? '5.0' : packet.protocolLevel === 4 ? '3.1.1' : '3.1', id: clipText(packet.clientId, 24), v5: version === 5,
        clean: packet.cleanSession ? 1 : 0, keepalive: String(packet.keepAlive),
      })];
      if (packet.will !== undefined) parts.push(part('will', { topic: clipText(packet.will.topic, 24), qos: packet.will.qos, retain: packet.will.retain, delay: String(packet.will.properties?.willDelayInterval ?? 0) }));
      if (packet.username !== undefined) parts.push(part('user', { user: clipText(packet.username, 16) }));
      return withNotes(parts, propertyNotes(packet.properties));
    }
    case 'CONNACK':
      // 3.1.1 return codes are named by a catalogue key (lab.connack4.N, 3.1.1 Table 3.1), translated; 5.0 keeps the spec's names.
      return withNotes([part('connack', {
        present: packet.sessionPresent ? 1 : 0,
        ...(version === 5 || packet.reasonCode > 5
          ? { code: code('CONNACK', packet.reasonCode, version), name: 'none' }
          : { code: hex2(packet.reasonCode), name: `lab.connack4.${packet.reasonCode}` }),
      })], propertyNotes(packet.properties));
    case 'PUBLISH': {
      const body = payloadText(packet.payload);
      return withNotes([part('publish', {
        topic: clipText(packet.topic, 32), qos: packet.qos, hasId: packet.packetId !== undefined, id: String(packet.packetId ?? ''), retain: packet.retain, dup: packet.dup,
        payloadKind: packet.payload.length === 0 ? 'empty' : body.printable ? 'text' : 'binary', text: body.printable ? clipText(body.text, 32) : '', bytes: packet.payload.length,
      })], propertyNotes(packet.properties));
    }
    case 'PUBACK': case 'PUBREC': case 'PUBREL': case 'PUBCOMP':
      return withNotes([part('ack', { type: packet.type, id: String(packet.packetId), hasCode: Boolean(packet.reasonCode), code: code(packet.type, packet.reasonCode ?? 0, version) })], propertyNotes(packet.properties));
    case 'SUBSCRIBE':
      return [part('subscribe', { id: String(packet.packetId) }), ...joined(packet.subscriptions.map((s) => part('subscription', {
        filter: clipText(s.topicFilter, 32), qos: s.qos, nl: Boolean(s.noLocal), rap: Boolean(s.retainAsPublished), rh: String(s.retainHandling ?? 0),
      })), 'semicolon')];
    case 'SUBACK':
      return [part('suback', { id: String(packet.packetId) }), ...joined(packet.reasonCodes.map((c) => (c < 0x80 ? part('granted', { qos: c }) : part('code', { code: code('SUBACK', c, version) }))), 'comma')];
    case 'UNSUBSCRIBE':
      return [part('unsubscribe', { id: String(packet.packetId), filters: packet.topicFilters.map((f) => `"${clipText(f, 32)}"`).join(', ') })];
    case 'UNSUBACK':
      return [part('unsuback', { id: String(packet.packetId) }), ...(packet.reasonCodes === undefined ? [] : [part('colon'), ...joined(packet.reasonCodes.map((c) => part('code', { code: code('UNSUBACK', c, version) })), 'comma')])];
    case 'PINGREQ': case 'PINGRESP':
      return [part('bare', { type: packet.type })];
    case 'DISCONNECT':
      return withNotes([part('bare', { type: packet.reasonCode !== undefined ? `DISCONNECT ${code('DISCONNECT', packet.reasonCode, 5)}` : 'DISCONNECT' })], propertyNotes(packet.properties));
    case 'AUTH':
      // 5.0 §3.15: 0x18 Continue authentication, 0x19 Re-authenticate, 0x00 Success; the method and data say what is exchanged.
      return withNotes([part('bare', { type: `AUTH ${code('AUTH', packet.reasonCode ?? 0, 5)}` })], propertyNotes(packet.properties));
  }
}
