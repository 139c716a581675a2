/**
 * PUBREL from a client: the last step of an incoming QoS 2 flow. The held message goes to
 * subscribers now, exactly once, and PUBCOMP confirms (3.1.1 MQTT-4.3.3-2, 5.0 MQTT-4.3.3-11).
 */
import type { PubAckLikePacket } from '../../codec/index.ts';
import type { BrokerConnection } from '../connection.ts';
import type { BrokerCore } from '../core.ts';
import { ack } from '../acks.ts';

export function handlePubrel(broker: BrokerCore, connection: BrokerConnection, packet: PubAckLikePacket): void {
  const session = connection.session!;
  const known = session.inflightIn.has(packet.packetId);
  const message = session.inflightIn.get(packet.packetId) ?? null;
  session.inflightIn.delete(packet.packetId);
  if (message !== null) broker.route(message);
  // An unknown id still gets PUBCOMP so the client can finish; 5.0 says which with 0x92.
  const code = !known && connection.version === 5 ? 0x92 : 0;
  connection.send(ack('PUBCOMP', packet.packetId, code, ''));
}
