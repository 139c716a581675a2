/**
 * PUBLISH from a client (3.1.1 §3.3, 5.0 §3.3): resolve the topic alias, check what this broker
 * allows, then take the message — QoS 0 and 1 go to subscribers at once; QoS 2 is kept until the
 * client's PUBREL (the spec's Method A, as mosquitto does), so a re-sent PUBLISH with the same
 * packet id is answered but never delivered twice.
 */
import type { PublishPacket } from '../../codec/index.ts';
import { ack } from '../acks.ts';
import { isDeniedTopic } from '../acl.ts';
import type { AuthorizePublish } from '../types.ts';
import type { BrokerConnection } from '../connection.ts';
import type { BrokerCore } from '../core.ts';
import { messageFromPublish } from '../message.ts';

export function handlePublish(broker: BrokerCore, connection: BrokerConnection, packet: PublishPacket): void {
  const options = broker.options;
  const v5 = connection.version === 5;
  let topic = packet.topic;

  if (v5) {
    const alias = packet.properties?.topicAlias;
    if (alias !== undefined) {
      if (alias > options.topicAliasMaximum) {
        // 5.0 MQTT-3.2.2-17 / MQTT-3.3.2-9: above the Topic Alias Maximum we sent.
        connection.protocolError(0x94, `Topic Alias ${alias} is above this broker's Topic Alias Maximum of ${options.topicAliasMaximum}`, 'MQTT-3.3.2-9');
        return;
      }
      if (topic === '') {
        const known = connection.aliasesIn.get(alias);
        if (known === undefined) {
          connection.protocolError(0x82, `Topic Alias ${alias} has no topic on this connection yet: the first PUBLISH using it must carry the topic name`, 'MQTT-5.0 §3.3.2.3.4');
          return;
        }
        topic = known;
      } else if (connection.aliasesIn.get(alias) !== topic) {
        connection.aliasesIn.set(alias, topic);
        connection.emitTopicAlias('in', alias, topic);
      }
    }
    if (packet.properties?.subscriptionIdentifiers !== undefined) {
      connection.protocolError(0x82, 'A PUBLISH from a client must not carry a Subscription Identifier', 'MQTT-3.3.4-6');
      return;
    }
    const responseTopic = packet.properties?.responseTopic;
    if (responseTopic !== undefined && (responseTopic.includes('+') || responseTopic.includes('#'))) {
      // MQTT-3.3.2-14: a Response Topic is a topic name, never a filter; the packet parses, its
      // data is not allowed: a Protocol Error (5.0 §1.2).
      connection.protocolError(0x82, `The Response Topic "${responseTopic}" contains a wildcard`, 'MQTT-3.3.2-14');
      return;
    }
  }
  if (packet.qos > options.maximumQoS) {
    // 5.0 MQTT-3.2.2-11: the client was told our Maximum QoS.
    connection.protocolError(0x9b, `QoS ${packet.qos} is above this broker's maximum QoS ${options.maximumQoS}`, 'MQTT-3.2.2-11');
    return;
  }
  if (packet.retain && !options.retainAvailable) {
    connection.protocolError(0x9a, 'This broker does not keep retained messages', 'MQTT-3.2.2-14');
    return;
  }
  const session = connection.session!;
  const packetId = packet.packetId!;
  if (v5 && packet.qos === 2 && !session.inflightIn.has(packetId) && session.inflightIn.size >= options.receiveMaximum) {
    // 5.0 MQTT-3.3.4-7: more unreleased QoS 2 messages than the Receive Maximum we sent.
    connection.protocolError(0x93, `More than ${options.receiveMaximum} QoS 2 messages awaiting PUBREL`, 'MQTT-3.3.4-7');
    return;
  }

  // When this packet arrived (set by the connection just before dispatch): no second clock read.
  const now = connection.lastPacketAt;
  const refusal = publishRefusal(topic, connection.clientId ?? '', options.authorizePublish);
  if (refusal !== null) {
    // As mosquitto: $SYS/… is the broker's. 5.0 says so with a reason code; 3.1.1 has no way to,
    // so the message is acknowledged and dropped (3.1.1 MQTT-3.3.5-2).
    const message = messageFromPublish(broker.nextMessageId(), packet, topic, now, connection.clientId);
    broker.emitDropped(connection.clientId, message, packet.qos, 'not-authorized');
    if (packet.qos === 1) connection.send(ack('PUBACK', packetId, v5 ? refusal : 0, `Publishing to ${topic} is not allowed`));
    if (packet.qos === 2) {
      // 5.0 MQTT-4.3.3-9: after PUBREC ≥ 0x80 the id is free again, so nothing is kept.
      if (!v5) session.inflightIn.set(packetId, null);
      connection.send(ack('PUBREC', packetId, v5 ? refusal : 0, `Publishing to ${topic} is not allowed`));
    }
    return;
  }

  if (packet.qos === 2) {
    if (!session.inflightIn.has(packetId)) {
      session.inflightIn.set(packetId, messageFromPublish(broker.nextMessageId(), packet, topic, now, connection.clientId));
    }
    // 3.1.1 MQTT-4.3.3-2, 5.0 MQTT-4.3.3-8/-10: PUBREC, also for a re-sent PUBLISH still held.
    connection.send({ type: 'PUBREC', packetId });
    return;
  }
  const matched = broker.route(messageFromPublish(broker.nextMessageId(), packet, topic, now, connection.clientId));
  if (packet.qos === 1) {
    // 3.1.1 MQTT-4.3.2-2, 5.0 MQTT-4.3.2-4; 5.0 adds 0x10 when nobody subscribed.
    connection.send(ack('PUBACK', packetId, v5 && matched === 0 ? 0x10 : 0, matched === 0 ? `No subscribers for ${topic}` : ''));
  }
}

/** Failure reason codes PUBACK and PUBREC may carry (5.0 §3.4.2.1, §3.5.2.1). */
const PUBLISH_REFUSALS = new Set([0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99]);

/** The reason code refusing a publish to `topic`, or null when it may go ahead. */
function publishRefusal(topic: string, clientId: string, authorize: AuthorizePublish | undefined): number | null {
  if (isDeniedTopic(topic)) return 0x87;
  if (authorize === undefined) return null;
  const verdict = authorize(clientId, topic);
  if (verdict === true) return null;
  if (verdict === false) return 0x87;
  // A host returning a code no PUBACK/PUBREC may carry gets the generic refusal instead.
  return PUBLISH_REFUSALS.has(verdict) ? verdict : 0x87;
}
