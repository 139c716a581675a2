/**
 * One line of plain English per broker event, for consoles and logs. Packets are left to the
 * packet view; this covers what the broker decided.
 */
import type { BrokerEvent } from './types.ts';

const hex = (code: number) => `0x${code.toString(16).padStart(2, '0')}`;

export function describeBrokerEvent(event: BrokerEvent): string | null {
  switch (event.type) {
    case 'packet': return null;
    case 'connection-opened': return `${event.connectionId} opened${event.transport ? ` over ${event.transport}` : ''}${event.remoteAddress ? ` from ${event.remoteAddress}` : ''}`;
    case 'client-connected': return `${event.clientId} connected on ${event.connectionId} (MQTT ${event.protocolVersion === 5 ? '5.0' : event.protocolVersion === 4 ? '3.1.1' : '3.1'}, ${event.protocolVersion === 5 ? 'clean start' : 'clean session'} ${event.cleanSession ? 1 : 0}, keepalive ${event.keepAlive} s, session present ${event.sessionPresent ? 1 : 0}${event.assignedClientId ? ', id assigned by the broker' : ''})`;
    case 'connection-refused': return `${event.clientId ?? event.connectionId} refused with ${hex(event.reasonCode)}: ${event.reason}`;
    case 'client-disconnected': return `${event.clientId ?? event.connectionId} disconnected (${event.cause}: ${event.reason})`;
    case 'client-taken-over': return `${event.clientId} connected again on ${event.newConnectionId}; closing its old connection ${event.oldConnectionId}`;
    case 'protocol-error': return `${event.clientId ?? event.connectionId} broke a rule${event.rule ? ` (${event.rule})` : ''}: ${event.message}${event.reasonCode !== null ? ` → DISCONNECT ${hex(event.reasonCode)}` : ''}`;
    case 'keepalive-expired': return `${event.clientId ?? event.connectionId} sent nothing for 1.5 × ${event.keepAlive} s: closing`;
    case 'session-created': return `new session for ${event.clientId} (expiry ${expiry(event.expiryInterval)})`;
    case 'session-resumed': return `resumed the session of ${event.clientId} (expiry ${expiry(event.expiryInterval)})`;
    case 'session-expired': return `session of ${event.clientId} ended`;
    case 'session-discarded': return `discarded the old session of ${event.clientId} (clean start)`;
    case 'will-scheduled': return `will of ${event.clientId} on ${event.topic} will be published at ${event.publishAt}`;
    case 'will-published': return `published the will of ${event.clientId} on ${event.topic} (QoS ${event.qos}${event.retain ? ', retained' : ''})`;
    case 'will-discarded': return `will of ${event.clientId} on ${event.topic} discarded: ${event.reason}`;
    case 'message-published': return `${event.clientId ?? 'broker'} published ${event.payloadLength} byte${event.payloadLength === 1 ? '' : 's'} on ${event.topic} (QoS ${event.qos}${event.retain ? ', retained' : ''}) → ${event.matched} subscription${event.matched === 1 ? '' : 's'}`;
    case 'message-queued': return `queued ${event.topic} for ${event.clientId} (${event.why === 'offline' ? 'offline' : 'in-flight window full'}; ${event.queued} waiting)`;
    case 'message-dropped': return `dropped ${event.topic}${event.clientId ? ` for ${event.clientId}` : ''}: ${event.why}`;
    case 'retained-set': return `retained message on ${event.topic} stored`;
    case 'retained-cleared': return `retained message on ${event.topic} cleared (${event.why})`;
    case 'subscription-added': return `${event.clientId} subscribed to ${event.filter} (QoS ${event.qos})`;
    case 'subscription-replaced': return `${event.clientId} subscribed to ${event.filter} again (QoS ${event.qos}): replaced`;
    case 'subscription-removed': return `${event.clientId} unsubscribed from ${event.filter}`;
    case 'subscription-refused': return `${event.clientId} may not subscribe to ${event.filter} (${hex(event.reasonCode)}): ${event.reason}`;
    case 'topic-alias': return event.direction === 'in'
      ? `${event.clientId} set topic alias ${event.alias} = ${event.topic}`
      : `topic alias ${event.alias} = ${event.topic} for ${event.clientId}${event.replaced !== undefined ? ` (was ${event.replaced})` : ''}`;
  }
}

function expiry(seconds: number): string {
  return seconds === 0xffff_ffff ? 'never' : `${seconds} s`;
}
