/**
 * UNSUBSCRIBE (3.1.1 §3.10, 5.0 §3.10): filters are compared character by character with the
 * session's (MQTT-3.10.4-1), so `a/+` does not remove `a/b`. Messages already queued or in flight
 * for a removed subscription are still delivered (MQTT-3.10.4-3). UNSUBACK always answers
 * (MQTT-3.10.4-4/-5); 5.0 says per filter whether there was anything to remove.
 */
import type { UnsubackPacket, UnsubscribePacket } from '../../codec/index.ts';
import type { BrokerConnection } from '../connection.ts';
import type { BrokerCore } from '../core.ts';

export function handleUnsubscribe(broker: BrokerCore, connection: BrokerConnection, packet: UnsubscribePacket): void {
  const session = connection.session!;
  const reasonCodes = packet.topicFilters.map((filter) => (broker.removeSubscription(session, filter) ? 0x00 : 0x11));
  const unsuback: UnsubackPacket = { type: 'UNSUBACK', packetId: packet.packetId };
  if (connection.version === 5) unsuback.reasonCodes = reasonCodes;
  connection.send(unsuback);
}
