/**
 * PUBREC from a client: the client owns the QoS 2 message now; answer PUBREL and wait for
 * PUBCOMP (3.1.1 MQTT-4.3.3-1, 5.0 MQTT-4.3.3-4). A 5.0 reason code ≥ 0x80 ends the flow instead.
 */
import type { PubAckLikePacket } from '../../codec/index.ts';
import type { BrokerConnection } from '../connection.ts';
import type { BrokerCore } from '../core.ts';
import { pump } from '../delivery.ts';
import { ack } from '../acks.ts';

export function handlePubrec(broker: BrokerCore, connection: BrokerConnection, packet: PubAckLikePacket): void {
  const session = connection.session!;
  const entry = session.inflightOut.get(packet.packetId);
  if (entry === undefined || entry.qos !== 2) {
    // Not ours: 5.0 answers PUBREL 0x92 (Packet Identifier not found) so the client can finish.
    connection.send(ack('PUBREL', packet.packetId, connection.version === 5 ? 0x92 : 0, ''));
    return;
  }
  if ((packet.reasonCode ?? 0) >= 0x80) {
    // 5.0 MQTT-4.4.0-2 / MQTT-4.3.3-4: acknowledged with an error; not re-sent, no PUBREL.
    session.inflightOut.delete(packet.packetId);
    pump(broker, session);
    return;
  }
  // MQTT-4.3.3-6 (5.0): from here on only PUBREL is re-sent, never the PUBLISH.
  entry.state = 'pubrel';
  connection.send({ type: 'PUBREL', packetId: packet.packetId });
}
