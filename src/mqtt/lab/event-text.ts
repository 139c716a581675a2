/**
 * The broker's decisions in the lab's log, as structured messages (`lab.event.…`): the event's
 * own fields become the values, the catalogue has the words in each language. The broker's
 * describeBrokerEvent (English, for the command-line host) stays the reference for what each
 * line says. Free-text fields the broker fills (a refusal reason, a protocol error's message) are
 * passed through as they are.
 */
import type { BrokerEvent } from '../broker/index.ts';
import type { LabMessage } from './experiment-text.ts';

const hex = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;
const m = (type: string, values: Record<string, string | number | boolean>): LabMessage => ({ key: `lab.event.${type}`, values });
const NEVER = 0xffff_ffff;
const expiry = (seconds: number) => ({ never: seconds === NEVER, expiry: String(seconds) });

/** The message for a broker event, or null for packets (logged as packets). */
export function eventMessage(event: BrokerEvent): LabMessage | null {
  switch (event.type) {
    case 'packet': return null;
    case 'connection-opened': return m(event.type, { connectionId: event.connectionId, transport: event.transport || 'none', address: event.remoteAddress || 'none' });
    case 'client-connected': return m(event.type, {
      clientId: event.clientId, connectionId: event.connectionId, version: event.protocolVersion === 5 ? '5.0' : event.protocolVersion === 4 ? '3.1.1' : '3.1',
      v5: event.protocolVersion === 5, clean: event.cleanSession ? 1 : 0, keepalive: String(event.keepAlive), present: event.sessionPresent ? 1 : 0, assigned: Boolean(event.assignedClientId),
    });
    case 'connection-refused': return m(event.type, { who: event.clientId ?? event.connectionId, code: hex(event.reasonCode), reason: event.reason });
    case 'client-disconnected': return m(event.type, { who: event.clientId ?? event.connectionId, cause: event.cause, reason: event.reason });
    case 'client-taken-over': return m(event.type, { clientId: event.clientId, newConnectionId: event.newConnectionId, oldConnectionId: event.oldConnectionId });
    case 'protocol-error': return m(event.type, { who: event.clientId ?? event.connectionId, rule: event.rule ?? 'none', message: event.message, code: event.reasonCode === null ? 'none' : hex(event.reasonCode) });
    case 'keepalive-expired': return m(event.type, { who: event.clientId ?? event.connectionId, keepalive: String(event.keepAlive) });
    case 'session-created': case 'session-resumed': return m(event.type, { clientId: event.clientId, ...expiry(event.expiryInterval) });
    case 'session-expired': case 'session-discarded': return m(event.type, { clientId: event.clientId });
    case 'will-scheduled': return m(event.type, { clientId: event.clientId, topic: event.topic, at: (event.publishAt / 1000).toFixed(3) });
    case 'will-published': return m(event.type, { clientId: event.clientId, topic: event.topic, qos: event.qos, retain: event.retain });
    case 'will-discarded':
      // The broker's one reason today (will.ts); another one is shown as the broker wrote it.
      return m(event.type, { clientId: event.clientId, topic: event.topic, reason: event.reason === 'the client reconnected before the will delay passed' ? 'reconnected' : event.reason });
    case 'message-published': return m(event.type, { who: event.clientId ?? 'broker', bytes: event.payloadLength, topic: event.topic, qos: event.qos, retain: event.retain, matched: event.matched });
    case 'message-queued': return m(event.type, { topic: event.topic, clientId: event.clientId, why: event.why, queued: event.queued });
    case 'message-dropped': return m(event.type, { topic: event.topic, hasClient: event.clientId !== null, clientId: event.clientId ?? '', why: event.why });
    case 'retained-set': return m(event.type, { topic: event.topic });
    case 'retained-cleared': return m(event.type, { topic: event.topic, why: event.why });
    case 'subscription-added': case 'subscription-replaced': case 'subscription-removed':
      return m(event.type, { clientId: event.clientId, filter: event.filter, qos: event.qos });
    case 'subscription-refused': return m(event.type, { clientId: event.clientId, filter: event.filter, code: hex(event.reasonCode), reason: event.reason });
    case 'topic-alias': return event.direction === 'in'
      ? m('topic-alias.in', { clientId: event.clientId ?? event.connectionId, alias: event.alias, topic: event.topic })
      : m('topic-alias.out', { clientId: event.clientId ?? event.connectionId, alias: event.alias, topic: event.topic, replaced: event.replaced ?? 'none' });
  }
}
