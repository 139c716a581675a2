/**
 * One network connection: turns bytes into packets, hands each to its packet type's handler, and
 * owns the connection-level state (CONNECT seen?, protocol version, keepalive, will, the client's
 * 5.0 limits, topic aliases). Session state lives in Session; routing lives in Broker.
 */
import {
  encodePacket, MalformedPacketError, StreamDecoder, type Packet, type Properties,
  type ConnectPacket, type ProtocolVersion, type PublishPacket, type QoS, type Will,
} from '../codec/index.ts';
import { DUPLICATE_PROPERTY_RULES } from '../codec/parser.ts';
import { remainingExpiry, type Delivery } from './message.ts';
import type { Session } from './session.ts';
import { OutboundTopicAliases } from './topic-alias.ts';
import type { AuthExchange, BrokerEventMap, CloseCause, ConnectionHost, ConnectionMeta, ConnectionSink, ConnectionSnapshot, MessageDroppedEvent } from './types.ts';

/** Reason codes for codec failures that the 5.0 spec calls something other than Malformed Packet. */
const RULE_REASON_CODES: Readonly<Record<string, number>> = {
  'MQTT-5.0 §3.1.2.11.4': 0x95, // larger than our Maximum Packet Size
  'MQTT-3.3.2-8': 0x94, // Topic Alias 0
  'MQTT-3.8.3-4': 0x82, // No Local on a shared subscription is a Protocol Error
  'MQTT-5.0 §3.3.2.3.8': 0x82, // Subscription Identifier 0 is a Protocol Error
  // A wildcard in a PUBLISH topic name (MQTT-3.3.2-2): the packet parses, its data is not allowed,
  // which 5.0 §1.2 calls a Protocol Error, not a Malformed Packet. mosquitto answers 0x82 too.
  'MQTT-3.3.2-2': 0x82,
  // A property included twice: each property's definition calls it a Protocol Error. (An identifier
  // not valid for the packet type stays 0x81: §2.2.2.2 calls that a Malformed Packet.)
  'MQTT-5.0 §3.8.2.1.2': 0x82,
  ...Object.fromEntries(Object.values(DUPLICATE_PROPERTY_RULES).map((rule) => [rule, 0x82])),
};

/** Packet type codes a client never sends: 0 (reserved), CONNACK, SUBACK, UNSUBACK, PINGRESP. */
const NOT_FROM_CLIENTS: ReadonlySet<number> = new Set([0, 2, 9, 11, 13]);
const TYPE_NAMES = ['type 0 (reserved)', 'CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT', 'AUTH'];

/** A CONNECT accepted so far, waiting for its enhanced authentication to finish. */
export interface PendingConnect {
  packet: ConnectPacket;
  /** The client id, assigned by us when the CONNECT's was empty. */
  clientId: string;
  assigned: boolean;
}

/** What a connection remembers of its enhanced authentication (5.0 §4.12). */
export interface AuthState {
  readonly method: string;
  /** The exchange in progress, or null between re-authentications. */
  exchange: AuthExchange | null;
  /** The CONNECT waiting for the exchange; null once connected. */
  pending: PendingConnect | null;
  /** Who the first exchange proved; a re-authentication must prove the same. */
  identity: string | undefined;
}

export class BrokerConnection {
  /** From the broker's id source. */
  readonly id: string;
  readonly meta: ConnectionMeta;
  state: 'awaiting-connect' | 'connected' | 'closed' = 'awaiting-connect';
  /** Set by CONNECT. */
  protocolVersion: ProtocolVersion | null = null;
  clientId: string | null = null;
  session: Session | null = null;
  /** Effective keepalive in seconds; 0 = off. */
  keepAlive = 0;
  readonly acceptedAt: number;
  lastPacketAt: number;
  /** The will from CONNECT, until DISCONNECT 0x00 discards it or a close publishes it. */
  will: Will | null = null;
  connackSent = false;
  /** 5.0 CONNECT properties that limit what we send. */
  clientReceiveMaximum = 0xffff;
  clientMaximumPacketSize = Infinity;
  requestProblemInformation = true;
  /** 5.0 Session Expiry Interval the CONNECT asked for (DISCONNECT may not raise it from 0). */
  connectSessionExpiry = 0;
  /** Set when the CONNECT named an Authentication Method we offer. */
  auth: AuthState | null = null;
  /** Client → broker aliases. */
  readonly aliasesIn = new Map<number, string>();
  /** Broker → client aliases (only if the client allowed them). */
  aliasesOut = new OutboundTopicAliases(0);
  private readonly host: ConnectionHost<BrokerConnection>;
  private readonly sink: ConnectionSink;
  private readonly decoder: StreamDecoder;
  private readonly received = new ReceivedBytes();
  /** Stream offset just past the last whole packet decoded: where a malformed one starts. */
  private decodedUpTo = 0;
  /** While an asynchronous step (authentication) is pending, what arrived meanwhile, in order. */
  private backlog: Array<{ packet: Packet; at: number } | { error: MalformedPacketError }> | null = null;

  /** @internal Use `broker.accept`. */
  constructor(host: ConnectionHost<BrokerConnection>, id: string, sink: ConnectionSink, meta: ConnectionMeta, now: number) {
    this.host = host;
    this.id = id;
    this.sink = sink;
    this.meta = meta;
    this.acceptedAt = now;
    this.lastPacketAt = now;
    this.decoder = new StreamDecoder({ maximumPacketSize: host.options.maximumPacketSize, allocate: host.options.allocate });
  }

  /** Bytes from the client, cut anywhere. */
  receive(bytes: Uint8Array): void {
    this.host.run(() => this.onBytes(bytes));
  }

  /** The network connection is gone (socket closed, tab closed): an abnormal close, so the will goes out. */
  drop(): void {
    this.host.run(() => this.close('network', 'the network connection was closed by the client or lost'));
  }

  get version(): ProtocolVersion {
    return this.protocolVersion ?? 4;
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Connected and past CONNACK: may receive PUBLISHes. */
  get isOpen(): boolean {
    return this.state === 'connected';
  }

  // -------------------------------------------------------------------------------------------
  // Receiving

  private onBytes(bytes: Uint8Array): void {
    if (this.state === 'closed' || bytes.length === 0) return;
    this.received.push(bytes);
    // `feed` also returns the packets completed before a malformed one in the same chunk: they
    // are handled first, as if they had arrived in a chunk of their own.
    const { packets, error } = this.decoder.feed(bytes);
    // Every packet of one chunk arrived at the same time: one clock read per chunk, not per packet
    // (a hot path: a busy publisher's chunk holds hundreds of PUBLISHes).
    const now = packets.length > 0 ? this.host.clock.now() : 0;
    for (const decoded of packets) {
      // MQTT-3.1.4-5 (3.1.1) / MQTT-3.1.4-6 (5.0): nothing after a refused CONNECT or a close is processed.
      if (this.isClosed) return;
      const packet = decoded.packet;
      this.decodedUpTo = decoded.offset + decoded.length;
      this.lastPacketAt = now;
      this.emitPacket('in', this.received.take(decoded.offset, decoded.length), packet);
      if (this.backlog !== null) this.backlog.push({ packet, at: now });
      else this.dispatch(packet);
    }
    if (error !== null && !this.isClosed) {
      if (this.backlog !== null) this.backlog.push({ error });
      else this.onMalformed(error);
    }
  }

  /** @internal Holds incoming packets until `release` (an asynchronous step is pending). */
  hold(): void {
    this.backlog ??= [];
  }

  /** @internal Handles, in order, what arrived while held. */
  release(): void {
    const backlog = this.backlog;
    this.backlog = null;
    if (backlog === null) return;
    for (let i = 0; i < backlog.length; i++) {
      if (this.isClosed) return;
      const heldAgain = this.backlog as typeof backlog | null;
      if (heldAgain !== null) {
        // Held again by one of these packets: keep the rest for the next release.
        heldAgain.push(...backlog.slice(i));
        return;
      }
      const item = backlog[i]!;
      if ('error' in item) this.onMalformed(item.error);
      else this.dispatch(item.packet);
    }
  }

  private dispatch(packet: Packet): void {
    if (this.state === 'awaiting-connect' && packet.type !== 'CONNECT' && !(this.auth !== null && (packet.type === 'AUTH' || packet.type === 'DISCONNECT'))) {
      // MQTT-3.1.0-1: the first packet must be CONNECT; there is no version yet to answer in.
      this.emitProtocolError(null, 'MQTT-3.1.0-1', `The first packet must be CONNECT, not ${packet.type}`);
      this.close('protocol-error', `${packet.type} before CONNECT`);
      return;
    }
    this.host.dispatch(this, packet);
  }

  private onMalformed(error: MalformedPacketError): void {
    const explanation = explain(error.explanation);
    if (this.state === 'awaiting-connect' && error.field === 'protocolLevel') {
      // A level we don't speak: 3.1.1 MQTT-3.1.2-2 answers 0x01. We answer in the 3.1.1 format,
      // as mosquitto does, because the client's own format is unknown to us.
      this.emitProtocolError(0x01, error.rule, explanation);
      this.refuse(0x01, explanation, 4);
      return;
    }
    if (this.state === 'connected') {
      // The packet type alone decides, before its body: a type a client never sends, or AUTH when
      // the CONNECT named no Authentication Method (MQTT-4.12.0-7), is a Protocol Error whatever
      // its body holds (5.0 §4.13; 3.1.1 MQTT-4.8.0-1 just closes).
      const typeCode = this.received.byteAt(this.decodedUpTo) >> 4;
      if (NOT_FROM_CLIENTS.has(typeCode) || (typeCode === 15 && this.version === 5 && !this.expectsAuth())) {
        const name = TYPE_NAMES[typeCode]!;
        this.protocolError(0x82, typeCode === 15 ? 'AUTH without an Authentication Method in CONNECT is a protocol error' : `${name} is not a packet a client may send`,
          typeCode === 15 ? 'MQTT-4.12.0-7' : this.version === 5 ? 'MQTT-5.0 §4.13' : 'MQTT-4.8.0-1');
        return;
      }
    }
    const code = RULE_REASON_CODES[error.rule] ?? 0x81;
    if (this.state === 'awaiting-connect' && this.connectLevelAt(this.decodedUpTo) === 5) {
      // A 5.0 CONNECT readable as far as its protocol level: the client can read a CONNACK, so
      // it is told why (5.0 §4.13.1: 0x81 Malformed Packet, 0x82 Protocol Error) before the close.
      const connackCode = code === 0x82 || code === 0x95 ? code : 0x81;
      this.emitProtocolError(connackCode, error.rule, explanation);
      this.refuse(connackCode, explanation, 5);
      return;
    }
    this.emitProtocolError(this.version === 5 && this.connackSent ? code : null, error.rule, explanation);
    if (this.state === 'awaiting-connect') {
      // 3.1.1 MQTT-3.1.4-1: close without a CONNACK.
      this.close('protocol-error', explanation);
      return;
    }
    this.close('protocol-error', explanation, code);
  }

  // -------------------------------------------------------------------------------------------
  // Sending

  /**
   * Encodes and sends a packet. Honours the client's Maximum Packet Size (5.0 MQTT-3.1.2-24) and
   * Request Problem Information (MQTT-3.1.2-29) by dropping Reason String and User Properties
   * where they must not or cannot go. Returns false if nothing was sent.
   */
  send(packet: Packet, version: ProtocolVersion = this.version): boolean {
    if (this.state === 'closed') return false;
    let out = packet;
    if (version === 5 && !this.requestProblemInformation && packet.type !== 'PUBLISH' && packet.type !== 'CONNACK' && packet.type !== 'DISCONNECT') {
      out = withoutProblemInformation(out);
    }
    let bytes = encodePacket(out, { protocolVersion: version, allocate: this.host.options.allocate });
    if (bytes.length > this.clientMaximumPacketSize && out.type !== 'PUBLISH') {
      out = withoutProblemInformation(out);
      bytes = encodePacket(out, { protocolVersion: version, allocate: this.host.options.allocate });
    }
    if (bytes.length > this.clientMaximumPacketSize) return false;
    this.write(out, bytes);
    return true;
  }

  /**
   * Sends one delivery as a PUBLISH. False when it is larger than the client's Maximum Packet
   * Size: then it is discarded as if sent (5.0 MQTT-3.1.2-25) and the caller forgets it.
   */
  sendPublish(delivery: Delivery, packetId: number | undefined, dup: boolean): boolean {
    if (this.state === 'closed') return false;
    const message = delivery.message;
    const version = this.version;
    let properties: Properties | undefined;
    let aliasChoice = null;
    if (version === 5) {
      properties = message.properties === undefined ? {} : { ...message.properties };
      // The clock is read only for messages that expire (hot path: most don't).
      if (message.expiresAt !== undefined) properties.messageExpiryInterval = remainingExpiry(message, this.host.clock.now());
      // MQTT-3.3.4-3 / -5: each copy carries its subscription's identifier.
      if (delivery.subscriptionIdentifiers !== undefined) properties.subscriptionIdentifiers = delivery.subscriptionIdentifiers.slice();
      aliasChoice = this.aliasesOut.choose(message.topic);
      if (aliasChoice !== null) properties.topicAlias = aliasChoice.alias;
      if (Object.keys(properties).length === 0) properties = undefined;
    }
    const packet: PublishPacket = {
      type: 'PUBLISH',
      // MQTT-3.3.1-3: DUP says only whether this packet is a retransmission.
      dup: dup && delivery.qos > 0,
      qos: delivery.qos,
      retain: delivery.retain,
      topic: aliasChoice?.known === true ? '' : message.topic,
      payload: message.payload,
    };
    if (packetId !== undefined) packet.packetId = packetId;
    if (properties !== undefined) packet.properties = properties;
    const bytes = encodePacket(packet, { protocolVersion: version, allocate: this.host.options.allocate });
    if (bytes.length > this.clientMaximumPacketSize) {
      this.emitDropped(message.topic, message.id, delivery.qos, 'packet-too-large');
      return false;
    }
    if (aliasChoice !== null) {
      this.aliasesOut.commit(message.topic, aliasChoice);
      if (!aliasChoice.known) this.emitTopicAlias('out', aliasChoice.alias, message.topic, aliasChoice.replaced);
    }
    this.write(packet, bytes);
    return true;
  }

  private write(packet: Packet, bytes: Uint8Array): void {
    this.emitPacket('out', bytes, packet);
    try {
      this.sink.send(bytes);
    } catch {
      // A transport that throws on write has lost the connection.
      this.host.run(() => this.close('network', 'writing to the transport failed'));
    }
  }

  // -------------------------------------------------------------------------------------------
  // Ending

  /**
   * A Protocol Error or Malformed Packet after CONNECT: 5.0 sends DISCONNECT with the reason code
   * (MQTT-4.13.1-1), 3.1/3.1.1 just close (MQTT-4.8.0-1). The will is published either way.
   */
  protocolError(reasonCode: number, message: string, rule: string | null): void {
    this.emitProtocolError(this.version === 5 ? reasonCode : null, rule, message);
    this.close('protocol-error', message, reasonCode);
  }

  /** Refuses a CONNECT with a CONNACK return/reason code and closes (3.1.1 MQTT-3.2.2-5, 5.0 MQTT-3.2.2-7). */
  refuse(reasonCode: number, reason: string, version: ProtocolVersion = this.version): void {
    const connack: Packet = { type: 'CONNACK', sessionPresent: false, reasonCode };
    if (version === 5 && reason !== '') connack.properties = { reasonString: reason };
    this.emitRefused(reasonCode, reason);
    this.send(connack, version);
    this.close('refused', reason);
  }

  /**
   * Closes the connection. With `disconnectReasonCode`, a 5.0 client that got its CONNACK is told
   * why first (DISCONNECT, 5.0 §3.14). A will still attached is published (or scheduled): callers
   * that must not publish it clear `will` first.
   */
  close(cause: CloseCause, reason: string, disconnectReasonCode?: number): void {
    if (this.state === 'closed') return;
    if (disconnectReasonCode !== undefined && this.version === 5 && this.connackSent) {
      const disconnect: Packet = { type: 'DISCONNECT', reasonCode: disconnectReasonCode };
      if (reason !== '') disconnect.properties = { reasonString: reason };
      this.send(disconnect);
    }
    this.state = 'closed';
    if (cause !== 'network') this.sink.close();
    this.host.connectionClosed(this, cause, reason);
  }

  // -------------------------------------------------------------------------------------------
  // Events about this connection (built only when someone listens).

  private emitPacket(direction: 'in' | 'out', bytes: Uint8Array, packet: Packet): void {
    if (!this.host.wants('packet')) return;
    this.host.emit({ type: 'packet', time: this.host.clock.now(), connectionId: this.id, clientId: this.clientId, direction, bytes, packet });
  }

  /** @internal */
  emitProtocolError(reasonCode: number | null, rule: string | null, message: string): void {
    if (!this.host.wants('protocol-error')) return;
    this.host.emit({ type: 'protocol-error', time: this.host.clock.now(), connectionId: this.id, clientId: this.clientId, reasonCode, rule, message });
  }

  /** @internal */
  emitRefused(reasonCode: number, reason: string): void {
    if (!this.host.wants('connection-refused')) return;
    this.host.emit({ type: 'connection-refused', time: this.host.clock.now(), connectionId: this.id, clientId: this.clientId, reasonCode, reason });
  }

  /** @internal */
  emitTopicAlias(direction: 'in' | 'out', alias: number, topic: string, replaced?: string): void {
    if (!this.host.wants('topic-alias')) return;
    const event: BrokerEventMap['topic-alias'] = { type: 'topic-alias', time: this.host.clock.now(), connectionId: this.id, clientId: this.clientId, direction, alias, topic };
    if (replaced !== undefined) event.replaced = replaced;
    this.host.emit(event);
  }

  private emitDropped(topic: string, messageId: number, qos: QoS, why: MessageDroppedEvent['why']): void {
    if (!this.host.wants('message-dropped')) return;
    this.host.emit({ type: 'message-dropped', time: this.host.clock.now(), clientId: this.clientId, topic, qos, messageId, why });
  }

  /**
   * The protocol level of the CONNECT starting at stream `offset`, if its bytes say "MQTT" and a
   * level, else null. Used only for a CONNECT the codec refused.
   */
  private connectLevelAt(offset: number): number | null {
    const at = (i: number) => this.received.byteAt(offset + i);
    if (at(0) >> 4 !== 1) return null;
    let i = 1;
    while (i < 5 && (at(i) & 0x80) !== 0) i++;
    const body = offset + i + 1;
    const held = this.received.end - body;
    // Name length 4, "MQTT", level: 7 bytes.
    if (held < 7) return null;
    const b = (k: number) => this.received.byteAt(body + k);
    if (b(0) !== 0 || b(1) !== 4 || b(2) !== 0x4d || b(3) !== 0x51 || b(4) !== 0x54 || b(5) !== 0x54) return null;
    return b(6);
  }

  /** Whether an AUTH packet may come: the CONNECT named an Authentication Method (5.0 §4.12). */
  expectsAuth(): boolean {
    return this.auth !== null;
  }

  /** @internal */
  snapshot(): ConnectionSnapshot {
    const will = this.will;
    return {
      connectionId: this.id,
      clientId: this.clientId,
      state: this.state,
      protocolVersion: this.protocolVersion,
      remoteAddress: this.meta.remoteAddress ?? null,
      transport: this.meta.transport ?? null,
      keepAlive: this.keepAlive,
      lastPacketAt: this.lastPacketAt,
      deadline: this.deadline(),
      will: will === null ? null : { topic: will.topic, qos: will.qos, retain: will.retain, delay: will.properties?.willDelayInterval ?? 0 },
      topicAliasesIn: [...this.aliasesIn.entries()].sort((a, b) => a[0] - b[0]),
      topicAliasesOut: this.aliasesOut.entries(),
    };
  }

  /** @internal When tick() must look at this connection next (keepalive or connect timeout), or null. */
  deadline(): number | null {
    if (this.state === 'awaiting-connect') {
      const timeout = this.host.options.connectTimeout;
      return timeout > 0 ? this.acceptedAt + timeout : null;
    }
    if (this.state === 'connected' && this.keepAlive > 0) return this.lastPacketAt + this.keepAlive * 1500;
    return null;
  }
}

/**
 * The received chunks not yet fully decoded, so the packet log can show each packet's own bytes:
 * a view into the chunk when the packet lies inside one, a copy when it spans several.
 */
class ReceivedBytes {
  private chunks: Uint8Array[] = [];
  /** Stream offset of chunks[0][0]. */
  private start = 0;

  push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
  }

  /** Stream offset just past the last byte received. */
  get end(): number {
    let end = this.start;
    for (const chunk of this.chunks) end += chunk.length;
    return end;
  }

  /** The byte at stream `offset` (not yet forgotten), or 0 if it is not held. */
  byteAt(offset: number): number {
    let at = offset - this.start;
    for (const chunk of this.chunks) {
      if (at < chunk.length) return chunk[at]!;
      at -= chunk.length;
    }
    return 0;
  }

  /** The bytes at [offset, offset + length) of the stream; forgets everything before their end. */
  take(offset: number, length: number): Uint8Array {
    while (this.chunks.length > 0 && this.start + this.chunks[0]!.length <= offset) {
      this.start += this.chunks.shift()!.length;
    }
    const first = this.chunks[0]!;
    const at = offset - this.start;
    let out: Uint8Array;
    if (at + length <= first.length) {
      out = first.subarray(at, at + length);
    } else {
      out = new Uint8Array(length);
      let filled = 0;
      let skip = at;
      for (const chunk of this.chunks) {
        const part = Math.min(chunk.length - skip, length - filled);
        out.set(chunk.subarray(skip, skip + part), filled);
        filled += part;
        skip = 0;
        if (filled === length) break;
      }
    }
    const end = offset + length;
    while (this.chunks.length > 0 && this.start + this.chunks[0]!.length <= end) {
      this.start += this.chunks.shift()!.length;
    }
    return out;
  }
}

/**
 * The codec's explanation as one line for the event log and a Reason String: a plain string, or
 * a catalogue message ({key, values}) shown as its key and values.
 */
function explain(explanation: string | { key: string; values?: Readonly<Record<string, string | number>> }): string {
  if (typeof explanation === 'string') return explanation;
  const values = explanation.values === undefined ? '' : ` ${Object.entries(explanation.values).map(([k, v]) => `${k}=${v}`).join(' ')}`;
  return `${explanation.key}${values}`;
}

/** The same packet without Reason String and User Properties. */
function withoutProblemInformation(packet: Packet): Packet {
  if (!('properties' in packet) || packet.properties === undefined) return packet;
  const { reasonString, userProperties, ...rest } = packet.properties;
  if (reasonString === undefined && userProperties === undefined) return packet;
  const properties = rest as Properties;
  // An acknowledgement whose properties are now empty goes back to its short form.
  const copy = { ...packet, properties } as Packet & { properties?: Properties };
  if (Object.keys(properties).length === 0 && packet.type !== 'CONNACK' && packet.type !== 'SUBACK' && packet.type !== 'UNSUBACK') delete copy.properties;
  return copy;
}
