/** The packet model shared by the parser, the generator, the broker and every widget. */

/** The protocol level byte: 3 = MQTT 3.1 ("MQIsdp"), 4 = MQTT 3.1.1, 5 = MQTT 5.0. */
export type ProtocolVersion = 3 | 4 | 5;
export type QoS = 0 | 1 | 2;

export type PacketType =
  | 'CONNECT' | 'CONNACK' | 'PUBLISH' | 'PUBACK' | 'PUBREC' | 'PUBREL' | 'PUBCOMP'
  | 'SUBSCRIBE' | 'SUBACK' | 'UNSUBSCRIBE' | 'UNSUBACK' | 'PINGREQ' | 'PINGRESP'
  | 'DISCONNECT' | 'AUTH';

/** MQTT 5.0 properties, named as MQTT.js names them. Keys keep wire order when decoded and are
 * written in key order when encoded, so decode → encode reproduces the bytes. */
export interface Properties {
  payloadFormatIndicator?: number;
  messageExpiryInterval?: number;
  contentType?: string;
  responseTopic?: string;
  correlationData?: Uint8Array;
  /** PUBLISH may carry several (one per matching subscription); SUBSCRIBE at most one. */
  subscriptionIdentifiers?: number[];
  sessionExpiryInterval?: number;
  assignedClientIdentifier?: string;
  serverKeepAlive?: number;
  authenticationMethod?: string;
  authenticationData?: Uint8Array;
  requestProblemInformation?: number;
  willDelayInterval?: number;
  requestResponseInformation?: number;
  responseInformation?: string;
  serverReference?: string;
  reasonString?: string;
  receiveMaximum?: number;
  topicAliasMaximum?: number;
  topicAlias?: number;
  maximumQoS?: number;
  retainAvailable?: number;
  /** In wire order, duplicates kept (MQTT-3.3.2-18 asks receivers to keep the order). */
  userProperties?: Array<[string, string]>;
  maximumPacketSize?: number;
  wildcardSubscriptionAvailable?: number;
  subscriptionIdentifiersAvailable?: number;
  sharedSubscriptionAvailable?: number;
}

export interface Will {
  topic: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
  /** MQTT 5.0 only. */
  properties?: Properties;
}

export interface ConnectPacket {
  type: 'CONNECT';
  /** "MQTT" for 3.1.1 and 5.0, "MQIsdp" for 3.1. */
  protocolName: string;
  protocolLevel: ProtocolVersion;
  /** Clean Session in 3.1/3.1.1, Clean Start in 5.0. */
  cleanSession: boolean;
  keepAlive: number;
  clientId: string;
  will?: Will;
  username?: string;
  password?: Uint8Array;
  properties?: Properties;
}

export interface ConnackPacket {
  type: 'CONNACK';
  sessionPresent: boolean;
  /** The 3.1/3.1.1 return code or the 5.0 reason code. */
  reasonCode: number;
  properties?: Properties;
}

export interface PublishPacket {
  type: 'PUBLISH';
  dup: boolean;
  qos: QoS;
  retain: boolean;
  /** May be empty in 5.0 when a Topic Alias property stands in for it. */
  topic: string;
  /** Present exactly when qos > 0 (MQTT-2.3.1-5 / MQTT-2.2.1-2). */
  packetId?: number;
  payload: Uint8Array;
  properties?: Properties;
}

/** PUBACK, PUBREC, PUBREL and PUBCOMP share one shape. */
export interface PubAckLikePacket {
  type: 'PUBACK' | 'PUBREC' | 'PUBREL' | 'PUBCOMP';
  packetId: number;
  /** 5.0 only; an omitted reason code means 0x00 Success. */
  reasonCode?: number;
  properties?: Properties;
}

export interface Subscription {
  topicFilter: string;
  /** Requested QoS (the "Maximum QoS" subscription option in 5.0). */
  qos: QoS;
  /** 5.0 subscription options; absent or false/0 in 3.1.1. */
  noLocal?: boolean;
  retainAsPublished?: boolean;
  retainHandling?: 0 | 1 | 2;
}

export interface SubscribePacket {
  type: 'SUBSCRIBE';
  packetId: number;
  subscriptions: Subscription[];
  properties?: Properties;
}

export interface SubackPacket {
  type: 'SUBACK';
  packetId: number;
  /** Granted QoS 0/1/2 or a failure code (0x80 in 3.1.1, ≥ 0x80 in 5.0), one per filter. */
  reasonCodes: number[];
  properties?: Properties;
}

export interface UnsubscribePacket {
  type: 'UNSUBSCRIBE';
  packetId: number;
  topicFilters: string[];
  properties?: Properties;
}

export interface UnsubackPacket {
  type: 'UNSUBACK';
  packetId: number;
  /** 5.0 only: one per topic filter. 3.1.1's UNSUBACK has no payload. */
  reasonCodes?: number[];
  properties?: Properties;
}

export interface PingreqPacket { type: 'PINGREQ' }
export interface PingrespPacket { type: 'PINGRESP' }

export interface DisconnectPacket {
  type: 'DISCONNECT';
  /** 5.0 only; omitted means 0x00 Normal disconnection. */
  reasonCode?: number;
  properties?: Properties;
}

export interface AuthPacket {
  type: 'AUTH';
  /** Omitted means 0x00 Success. */
  reasonCode?: number;
  properties?: Properties;
}

export type Packet =
  | ConnectPacket | ConnackPacket | PublishPacket | PubAckLikePacket | SubscribePacket
  | SubackPacket | UnsubscribePacket | UnsubackPacket | PingreqPacket | PingrespPacket
  | DisconnectPacket | AuthPacket;

/**
 * Text the codec hands to people, as a message: a catalogue key (section `codec` of
 * src/components/i18n) and its values. The codec holds no sentences: the views render the key in
 * the reader's language, the CLI in English. A string value that is itself a `codec.` key (a
 * field's name inside an error, say) is rendered as that key's text.
 */
export interface CodecMessage {
  key: string;
  values?: Readonly<Record<string, string | number>>;
}

/** One bit field inside a flag byte. `mask` selects the bits, `shift` the lowest one. */
export interface BitField {
  path: string;
  label: CodecMessage;
  mask: number;
  shift: number;
  value: number;
  /** What the value means, e.g. "QoS 1 — at least once" or "reserved, must be 0". */
  meaning?: CodecMessage;
}

/**
 * The annotation of one field's bytes. Decoding with `annotate: true` yields spans that cover
 * every byte of the packet exactly once, in ascending offset order.
 */
export interface FieldSpan {
  /** Absolute offset in the decoded input. */
  offset: number;
  length: number;
  /** Dotted path into the packet, e.g. `fixedHeader.flags`, `topic.length`, `properties[2].value`. */
  path: string;
  label: CodecMessage;
  /** The decoded value in JSON-friendly form (binary data as lowercase hex). */
  value: string | number | boolean | null;
  bits?: BitField[];
}

export interface DecodedPacket<P extends Packet = Packet> {
  packet: P;
  /** Offset of the packet's first byte in the input. */
  offset: number;
  /** Whole packet length in bytes: fixed header + remaining length. */
  length: number;
  remainingLength: number;
  /** Only when decoding with `annotate: true`. */
  fields?: FieldSpan[];
}

export interface DecodeOptions {
  /** Defaults to 4 (3.1.1). A CONNECT announces its own level and is decoded by it. */
  protocolVersion?: ProtocolVersion;
  /** Record a FieldSpan for every byte. Off by default: the broker and the stream don't need it. */
  annotate?: boolean;
  /** Reject packets larger than this (whole packet bytes). Default 268 435 460 (the protocol max). */
  maximumPacketSize?: number;
}

export interface EncodeOptions {
  /** Defaults to the CONNECT's own level for CONNECT, else 4. */
  protocolVersion?: ProtocolVersion;
  /**
   * Where packet bytes are allocated. Every byte is written, so a host may hand out memory that
   * is not zeroed (Node: `Buffer.allocUnsafe`). Default: `new Uint8Array(size)`.
   */
  allocate?: (size: number) => Uint8Array;
}
