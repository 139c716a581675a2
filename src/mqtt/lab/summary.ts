/** One-line summaries of packets for the lab's packet log, in the spirit of Wireshark's Info column. */
import { reasonCodeName, type Packet, type ProtocolVersion, type Properties } from '../codec/index.ts';
import { clipText, payloadText } from './payload-text.ts';

export { clipText, payloadText };

const hex2 = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;

function code(packet: Packet['type'], value: number, version: ProtocolVersion): string {
  return `${hex2(value)} ${reasonCodeName(packet, value, version)}`;
}

function propertyNotes(properties: Properties | undefined): string[] {
  if (properties === undefined) return [];
  const notes: string[] = [];
  if (properties.sessionExpiryInterval !== undefined) notes.push(`session expiry ${properties.sessionExpiryInterval === 0xffff_ffff ? 'never' : `${properties.sessionExpiryInterval} s`}`);
  if (properties.messageExpiryInterval !== undefined) notes.push(`message expiry ${properties.messageExpiryInterval} s`);
  if (properties.willDelayInterval !== undefined) notes.push(`will delay ${properties.willDelayInterval} s`);
  if (properties.assignedClientIdentifier !== undefined) notes.push(`assigned id "${clipText(properties.assignedClientIdentifier, 24)}"`);
  if (properties.serverKeepAlive !== undefined) notes.push(`server keepalive ${properties.serverKeepAlive} s`);
  if (properties.topicAlias !== undefined) notes.push(`alias ${properties.topicAlias}`);
  if (properties.userProperties !== undefined && properties.userProperties.length > 0) notes.push(`${properties.userProperties.length} user propert${properties.userProperties.length === 1 ? 'y' : 'ies'}`);
  if (properties.reasonString !== undefined) notes.push(`"${clipText(properties.reasonString, 48)}"`);
  return notes;
}

const withNotes = (text: string, notes: string[]) => (notes.length === 0 ? text : `${text} (${notes.join(', ')})`);

export function summarizePacket(packet: Packet, version: ProtocolVersion): string {
  switch (packet.type) {
    case 'CONNECT': {
      const parts = [
        `id "${clipText(packet.clientId, 24)}"`,
        `${version === 5 ? 'clean start' : 'clean session'} ${packet.cleanSession ? 1 : 0}`,
        `keepalive ${packet.keepAlive} s`,
      ];
      if (packet.will !== undefined) parts.push(`will on "${clipText(packet.will.topic, 24)}" QoS ${packet.will.qos}${packet.will.retain ? ' retained' : ''}${packet.will.properties?.willDelayInterval ? ` delay ${packet.will.properties.willDelayInterval} s` : ''}`);
      if (packet.username !== undefined) parts.push(`user "${clipText(packet.username, 16)}"`);
      return withNotes(`CONNECT ${packet.protocolLevel === 5 ? '5.0' : packet.protocolLevel === 4 ? '3.1.1' : '3.1'} ${parts.join(', ')}`, propertyNotes(packet.properties));
    }
    case 'CONNACK':
      return withNotes(`CONNACK session present ${packet.sessionPresent ? 1 : 0}, ${code('CONNACK', packet.reasonCode, version)}`, propertyNotes(packet.properties));
    case 'PUBLISH': {
      const body = payloadText(packet.payload);
      const payload = packet.payload.length === 0 ? 'empty payload' : body.printable ? `"${clipText(body.text, 32)}"` : body.text;
      const flags = [`QoS ${packet.qos}`];
      if (packet.packetId !== undefined) flags.push(`id ${packet.packetId}`);
      if (packet.retain) flags.push('RETAIN');
      if (packet.dup) flags.push('DUP');
      return withNotes(`PUBLISH "${clipText(packet.topic, 32)}" ${flags.join(' ')}: ${payload}`, propertyNotes(packet.properties));
    }
    case 'PUBACK': case 'PUBREC': case 'PUBREL': case 'PUBCOMP':
      return withNotes(`${packet.type} id ${packet.packetId}${packet.reasonCode ? `, ${code(packet.type, packet.reasonCode, version)}` : ''}`, propertyNotes(packet.properties));
    case 'SUBSCRIBE':
      return `SUBSCRIBE id ${packet.packetId}: ${packet.subscriptions.map((s) => {
        const options = [`QoS ${s.qos}`];
        if (s.noLocal) options.push('no local');
        if (s.retainAsPublished) options.push('retain as published');
        if (s.retainHandling) options.push(`retain handling ${s.retainHandling}`);
        return `"${clipText(s.topicFilter, 32)}" ${options.join(', ')}`;
      }).join('; ')}`;
    case 'SUBACK':
      return `SUBACK id ${packet.packetId}: ${packet.reasonCodes.map((c) => (c < 0x80 ? `granted QoS ${c}` : code('SUBACK', c, version))).join(', ')}`;
    case 'UNSUBSCRIBE':
      return `UNSUBSCRIBE id ${packet.packetId}: ${packet.topicFilters.map((f) => `"${clipText(f, 32)}"`).join(', ')}`;
    case 'UNSUBACK':
      return `UNSUBACK id ${packet.packetId}${packet.reasonCodes !== undefined ? `: ${packet.reasonCodes.map((c) => code('UNSUBACK', c, version)).join(', ')}` : ''}`;
    case 'PINGREQ': return 'PINGREQ';
    case 'PINGRESP': return 'PINGRESP';
    case 'DISCONNECT':
      return withNotes(`DISCONNECT${packet.reasonCode !== undefined ? ` ${code('DISCONNECT', packet.reasonCode, 5)}` : ''}`, propertyNotes(packet.properties));
    case 'AUTH':
      return `AUTH${packet.reasonCode !== undefined ? ` ${hex2(packet.reasonCode)}` : ''}`;
  }
}
