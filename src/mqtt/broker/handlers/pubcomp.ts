/**
 * PUBCOMP from a client: an outgoing QoS 2 delivery is complete (5.0 MQTT-4.3.3-5), its packet id
 * free again; room in the window → send more.
 */
import type { PubAckLikePacket } from '../../codec/index.ts';
import type { BrokerConnection } from '../connection.ts';
import type { BrokerCore } from '../core.ts';
import { pump } from '../delivery.ts';

export function handlePubcomp(broker: BrokerCore, connection: BrokerConnection, packet: PubAckLikePacket): void {
  const session = connection.session!;
  const entry = session.inflightOut.get(packet.packetId);
  if (entry === undefined || entry.state !== 'pubrel') return;
  session.inflightOut.delete(packet.packetId);
  pump(broker, session);
}
