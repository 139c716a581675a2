/**
 * PUBACK from a client: an outgoing QoS 1 delivery is done (3.1.1 MQTT-4.3.2-1, 5.0 MQTT-4.3.2-3).
 * A 5.0 reason code ≥ 0x80 also ends it: not re-sent (MQTT-4.4.0-2). Room in the window → send more.
 */
import type { PubAckLikePacket } from '../../codec/index.ts';
import type { BrokerConnection } from '../connection.ts';
import type { BrokerCore } from '../core.ts';
import { pump } from '../delivery.ts';

export function handlePuback(broker: BrokerCore, connection: BrokerConnection, packet: PubAckLikePacket): void {
  const session = connection.session!;
  const entry = session.inflightOut.get(packet.packetId);
  // An unknown id (already acknowledged, or never ours) is ignored, as mosquitto does.
  if (entry === undefined || entry.qos !== 1) return;
  session.inflightOut.delete(packet.packetId);
  pump(broker, session);
}
