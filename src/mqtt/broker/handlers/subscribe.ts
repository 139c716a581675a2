/**
 * SUBSCRIBE (3.1.1 §3.8, 5.0 §3.8): each filter is handled as if it came alone, the answers go
 * back together in one SUBACK, in order (3.1.1 MQTT-3.8.4-4, MQTT-3.9.3-1; 5.0 MQTT-3.8.4-5,
 * MQTT-3.9.3-1). Retained messages follow the SUBACK.
 */
import type { QoS, SubackPacket, SubscribePacket } from '../../codec/index.ts';
import { parseSharedSubscription, problemCode, validateTopicFilter } from '../../topics/index.ts';
import type { BrokerConnection } from '../connection.ts';
import type { BrokerCore } from '../core.ts';
import { offer } from '../delivery.ts';
import type { SubscriptionRecord } from '../session.ts';

export function handleSubscribe(broker: BrokerCore, connection: BrokerConnection, packet: SubscribePacket): void {
  const options = broker.options;
  const session = connection.session!;
  const version = connection.version;
  const v5 = version === 5;
  const subscriptionIdentifier = v5 ? packet.properties?.subscriptionIdentifiers?.[0] : undefined;
  if (subscriptionIdentifier !== undefined && !options.subscriptionIdentifiersAvailable) {
    // 5.0 §3.2.2.3.12: a client told "not available" must not send one; answering 0xA1.
    connection.protocolError(0xa1, 'This broker does not support Subscription Identifiers', 'MQTT-5.0 §3.2.2.3.12');
    return;
  }
  const now = broker.clock.now();
  const reasonCodes: number[] = [];
  const problems: string[] = [];
  const retainedFor: SubscriptionRecord[] = [];

  for (const subscription of packet.subscriptions) {
    const filter = subscription.topicFilter;
    const refusal = checkFilter(broker, connection, filter);
    if (refusal !== null) {
      // 3.1.1 has a single failure code, 0x80 (MQTT-3.9.3-2).
      reasonCodes.push(v5 ? refusal.code : 0x80);
      problems.push(refusal.message);
      broker.emit({ type: 'subscription-refused', time: now, clientId: session.clientId, filter, reasonCode: v5 ? refusal.code : 0x80, reason: refusal.message });
      continue;
    }
    // 3.1.1 MQTT-3.8.4-5, 5.0 MQTT-3.8.4-7: the QoS granted, at most our maximum.
    const granted = Math.min(subscription.qos, options.maximumQoS) as QoS;
    const share = filter.startsWith('$share/') ? parseSharedSubscription(filter) ?? undefined : undefined;
    const record: SubscriptionRecord = {
      filter,
      qos: granted,
      noLocal: v5 && subscription.noLocal === true,
      retainAsPublished: v5 && subscription.retainAsPublished === true,
      retainHandling: v5 ? (subscription.retainHandling ?? 0) : 0,
      subscriptionIdentifier,
      share: share === undefined ? undefined : { group: share.group, filter: share.filter },
      clientId: session.clientId,
    };
    // 3.1.1 MQTT-3.8.4-3, 5.0 MQTT-3.8.4-3: the same filter replaces the old subscription.
    const replaced = broker.addSubscription(session, record);
    reasonCodes.push(granted);
    // Retained messages: never for shared subscriptions (5.0 §4.8.2); 3.1.1 always
    // (MQTT-3.3.1-6); 5.0 by Retain Handling (MQTT-3.3.1-9/-10/-11).
    if (share === undefined && (record.retainHandling === 0 || (record.retainHandling === 1 && !replaced))) retainedFor.push(record);
  }

  const suback: SubackPacket = { type: 'SUBACK', packetId: packet.packetId, reasonCodes };
  if (v5 && problems.length > 0) suback.properties = { reasonString: problems.join('; ') };
  connection.send(suback);

  for (const record of retainedFor) {
    for (const message of broker.retained.match(record.filter, now)) {
      // 3.1.1 MQTT-3.3.1-8: RETAIN 1 for messages sent because a subscription was made.
      offer(broker, session, {
        message,
        qos: Math.min(message.qos, record.qos) as QoS,
        retain: true,
        subscriptionIdentifiers: record.subscriptionIdentifier === undefined ? undefined : [record.subscriptionIdentifier],
      });
    }
  }
}

/** Why this filter can't be subscribed to here, with its 5.0 reason code; null if it can. */
function checkFilter(broker: BrokerCore, connection: BrokerConnection, filter: string): { code: number; message: string } | null {
  const options = broker.options;
  // 3.1 shares 3.1.1's topic rules.
  const validation = validateTopicFilter(filter, { protocolVersion: connection.version === 5 ? 5 : 4 });
  if (!validation.valid) {
    return { code: 0x8f, message: `"${filter}": ${validation.problems.map(problemCode).join('; ')}` };
  }
  let inner = filter;
  if (filter.startsWith('$share/')) {
    const shared = parseSharedSubscription(filter);
    if (shared === null) return { code: 0x8f, message: `"${filter}" is not a valid shared subscription ($share/{group}/{filter})` };
    if (!options.sharedSubscriptionAvailable) return { code: 0x9e, message: 'Shared subscriptions are disabled on this broker' };
    inner = shared.filter;
  }
  if (!options.wildcardSubscriptionAvailable && (inner.includes('+') || inner.includes('#'))) {
    return { code: 0xa2, message: 'Wildcard subscriptions are disabled on this broker' };
  }
  return null;
}
