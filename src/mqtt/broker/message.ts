/**
 * An Application Message as the broker holds it between receiving and delivering: the PUBLISH's
 * content minus everything that belongs to one hop (packet id, DUP, Topic Alias, Subscription
 * Identifiers), plus when it expires and who published it.
 */
import type { Properties, PublishPacket, QoS, Will } from '../codec/index.ts';
import type { MessageSnapshot } from './types.ts';

export interface Message {
  /** Broker-wide sequence number, for logs and snapshots. */
  readonly id: number;
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly qos: QoS;
  readonly retain: boolean;
  /** The properties forwarded unaltered to subscribers (5.0 MQTT-3.3.2-4, -15, -16, -17, -20). */
  readonly properties: Properties | undefined;
  /** Absolute ms from the Message Expiry Interval, or undefined. */
  readonly expiresAt: number | undefined;
  readonly receivedAt: number;
  /** For No Local (5.0 MQTT-3.8.3-3); null for wills of ended sessions and host publishes. */
  readonly publisherClientId: string | null;
}

/** One copy of a message on its way to one subscription: QoS already downgraded, RETAIN decided. */
export interface Delivery {
  readonly message: Message;
  readonly qos: QoS;
  readonly retain: boolean;
  readonly subscriptionIdentifiers: number[] | undefined;
  /** For a copy sent through a shared subscription: its `$share/{group}/{filter}`, so it can be handed on (5.0 §4.8.2). */
  readonly shareKey?: string;
}

/** A QoS 1/2 delivery that has a packet id and waits for the client's acknowledgement. */
export interface InflightDelivery extends Delivery {
  readonly packetId: number;
  /** 'publish': PUBLISH sent, PUBACK/PUBREC due. 'pubrel': PUBREL sent, PUBCOMP due. */
  state: 'publish' | 'pubrel';
}

/** Copies the forwardable properties; leaves out the hop-by-hop ones. */
export function forwardedProperties(properties: Properties | undefined): Properties | undefined {
  if (properties === undefined) return undefined;
  const out: Properties = {};
  let any = false;
  if (properties.payloadFormatIndicator !== undefined) { out.payloadFormatIndicator = properties.payloadFormatIndicator; any = true; }
  if (properties.contentType !== undefined) { out.contentType = properties.contentType; any = true; }
  if (properties.responseTopic !== undefined) { out.responseTopic = properties.responseTopic; any = true; }
  if (properties.correlationData !== undefined) { out.correlationData = properties.correlationData.slice(); any = true; }
  // Order kept as received (5.0 MQTT-3.3.2-18).
  if (properties.userProperties !== undefined) { out.userProperties = properties.userProperties.map(([k, v]) => [k, v]); any = true; }
  return any ? out : undefined;
}

export function messageFromPublish(id: number, packet: PublishPacket, topic: string, now: number, publisher: string | null): Message {
  const interval = packet.properties?.messageExpiryInterval;
  return {
    id,
    topic,
    // The decoder hands out views of the receive buffer; a stored message must own its bytes.
    payload: packet.payload.slice(),
    qos: packet.qos,
    retain: packet.retain,
    properties: forwardedProperties(packet.properties),
    expiresAt: interval === undefined ? undefined : now + interval * 1000,
    receivedAt: now,
    publisherClientId: publisher,
  };
}

export function messageFromWill(id: number, will: Will, now: number, publisher: string | null): Message {
  const interval = will.properties?.messageExpiryInterval;
  return {
    id,
    topic: will.topic,
    payload: will.payload.slice(),
    qos: will.qos,
    retain: will.retain,
    properties: forwardedProperties(will.properties),
    expiresAt: interval === undefined ? undefined : now + interval * 1000,
    receivedAt: now,
    publisherClientId: publisher,
  };
}

export function isExpired(message: Message, now: number): boolean {
  return message.expiresAt !== undefined && now >= message.expiresAt;
}

/**
 * Seconds left, rounded up, for the Message Expiry Interval we forward: the received value minus
 * the time the message waited here (5.0 MQTT-3.3.2-6).
 */
export function remainingExpiry(message: Message, now: number): number | undefined {
  if (message.expiresAt === undefined) return undefined;
  return Math.max(0, Math.ceil((message.expiresAt - now) / 1000));
}

export function snapshotMessage(message: Message): MessageSnapshot {
  const snapshot: MessageSnapshot = {
    messageId: message.id,
    topic: message.topic,
    qos: message.qos,
    retain: message.retain,
    payload: message.payload.slice(),
    expiresAt: message.expiresAt ?? null,
    publisherClientId: message.publisherClientId,
  };
  if (message.properties !== undefined) snapshot.properties = forwardedProperties(message.properties)!;
  return snapshot;
}
