/**
 * A small, fully observable MQTT client for teaching simulations. It speaks real bytes through
 * the codec and keeps exactly the session state the specification asks a client to keep, so a
 * learner can watch it: outgoing QoS 1/2 messages until acknowledged, QoS 2 packet ids received
 * until released, and what it has handed to its application.
 *
 * It never retransmits on a timer. MQTT 3.1.1 and 5.0 resend unacknowledged PUBLISH and PUBREL
 * packets only when a persistent session is resumed on a new connection (MQTT-4.4.0-1), and that
 * is what it does.
 */
import {
  encodePacket, StreamDecoder, type Packet, type ProtocolVersion, type PublishPacket, type QoS,
} from '../codec/index.ts';

export interface SimClientOptions {
  clientId: string;
  protocolVersion: 4 | 5;
  /** Clean Session (3.1.1) / Clean Start (5.0). */
  cleanSession: boolean;
  /** 5.0 only: how long the broker keeps the session after the connection ends. */
  sessionExpiryInterval?: number;
  keepAlive?: number;
}

/** One outgoing QoS 1/2 message the client must keep until the exchange completes. */
export interface OutgoingMessage {
  packetId: number;
  topic: string;
  qos: 1 | 2;
  payload: Uint8Array;
  /** What the client waits for next. */
  awaiting: 'PUBACK' | 'PUBREC' | 'PUBCOMP';
  /** How many times the PUBLISH (or, once PUBREC came, the PUBREL) has been sent. */
  sends: number;
}

/** A message the client handed to its application. */
export interface Delivery {
  topic: string;
  payload: Uint8Array;
  qos: QoS;
  dup: boolean;
  packetId: number | null;
  /** 1 for the first time this message reached the application, 2 for a duplicate, … */
  copy: number;
}

export interface SimClientState {
  clientId: string;
  connection: 'offline' | 'connecting' | 'online';
  outgoing: OutgoingMessage[];
  /** QoS 2 packet ids received and acknowledged with PUBREC, waiting for PUBREL. */
  awaitingRelease: number[];
  delivered: Delivery[];
  /** Subscriptions the client has asked for, with what the broker granted (null while pending). */
  subscriptions: Array<{ filter: string; requested: QoS; granted: number | null }>;
}

export type ClientNotice =
  | { kind: 'delivered'; delivery: Delivery }
  | { kind: 'duplicate-suppressed'; packetId: number }
  | { kind: 'released'; packetId: number }
  | { kind: 'completed'; packetId: number; qos: 1 | 2; reasonCode: number }
  | { kind: 'publish-refused'; packetId: number; reasonCode: number }
  | { kind: 'session'; present: boolean }
  | { kind: 'resent'; packetType: 'PUBLISH' | 'PUBREL'; packetId: number };

export class SimClient {
  readonly options: SimClientOptions;
  connection: SimClientState['connection'] = 'offline';
  readonly outgoing = new Map<number, OutgoingMessage>();
  readonly awaitingRelease = new Set<number>();
  readonly delivered: Delivery[] = [];
  readonly subscriptions: SimClientState['subscriptions'] = [];
  /** Set by the network: how bytes leave this client. */
  transmit: (bytes: Uint8Array) => void = () => {};
  /** What happened inside the client as it handled a packet, for narration. */
  readonly notices: ClientNotice[] = [];
  private decoder: StreamDecoder;
  private nextPacketId = 1;
  private readonly copies = new Map<string, number>();
  private pendingSubscribe = new Map<number, number[]>();

  constructor(options: SimClientOptions) {
    this.options = options;
    this.decoder = new StreamDecoder({ protocolVersion: options.protocolVersion });
  }

  get version(): ProtocolVersion {
    return this.options.protocolVersion;
  }

  state(): SimClientState {
    return {
      clientId: this.options.clientId,
      connection: this.connection,
      outgoing: [...this.outgoing.values()].map((m) => ({ ...m })),
      awaitingRelease: [...this.awaitingRelease],
      delivered: this.delivered.map((d) => ({ ...d })),
      subscriptions: this.subscriptions.map((s) => ({ ...s })),
    };
  }

  private send(packet: Packet): void {
    this.transmit(encodePacket(packet, { protocolVersion: this.version }));
  }

  /** Opens a session on a fresh connection. A clean start throws away what the client held. */
  connect(): void {
    this.decoder = new StreamDecoder({ protocolVersion: this.version });
    if (this.options.cleanSession) {
      this.outgoing.clear();
      this.awaitingRelease.clear();
    }
    this.connection = 'connecting';
    const packet: Packet = {
      type: 'CONNECT', protocolName: 'MQTT', protocolLevel: this.version, cleanSession: this.options.cleanSession,
      keepAlive: this.options.keepAlive ?? 60, clientId: this.options.clientId,
    };
    if (this.version === 5) packet.properties = this.options.sessionExpiryInterval ? { sessionExpiryInterval: this.options.sessionExpiryInterval } : {};
    this.send(packet);
  }

  /** The network connection is gone (dropped or cut); session state stays, as the spec requires. */
  connectionLost(): void {
    this.connection = 'offline';
  }

  disconnect(): void {
    this.send({ type: 'DISCONNECT' });
    this.connection = 'offline';
  }

  subscribe(filter: string, qos: QoS): void {
    const packetId = this.allocatePacketId();
    this.subscriptions.push({ filter, requested: qos, granted: null });
    this.pendingSubscribe.set(packetId, [this.subscriptions.length - 1]);
    this.send({ type: 'SUBSCRIBE', packetId, subscriptions: [{ topicFilter: filter, qos }] });
  }

  publish(topic: string, payload: Uint8Array, qos: QoS): void {
    if (qos === 0) {
      this.send({ type: 'PUBLISH', dup: false, qos: 0, retain: false, topic, payload });
      return;
    }
    const packetId = this.allocatePacketId();
    this.outgoing.set(packetId, { packetId, topic, qos, payload, awaiting: qos === 1 ? 'PUBACK' : 'PUBREC', sends: 1 });
    this.send({ type: 'PUBLISH', dup: false, qos, retain: false, topic, packetId, payload });
  }

  /** Packet ids are 1–65535 and never reused while a message still holds one (MQTT-2.3.1-2). */
  private allocatePacketId(): number {
    for (let i = 0; i < 65_535; i++) {
      const id = this.nextPacketId;
      this.nextPacketId = id === 65_535 ? 1 : id + 1;
      if (!this.outgoing.has(id) && !this.pendingSubscribe.has(id)) return id;
    }
    throw new Error('All 65 535 packet identifiers are in use');
  }

  /** Bytes from the broker. */
  receive(bytes: Uint8Array): void {
    for (const { packet } of this.decoder.push(bytes)) this.handle(packet);
  }

  private handle(packet: Packet): void {
    switch (packet.type) {
      case 'CONNACK': {
        if (packet.reasonCode !== 0) { this.connection = 'offline'; return; }
        this.connection = 'online';
        this.notices.push({ kind: 'session', present: packet.sessionPresent });
        if (!packet.sessionPresent) {
          // The broker has no session for us: our half of the old one is meaningless (5.0 MQTT-3.2.2-5).
          this.outgoing.clear();
          this.awaitingRelease.clear();
          return;
        }
        // Resume: resend in the original order (MQTT-4.6.0-1), PUBLISH with DUP=1 (MQTT-3.3.1-1).
        for (const m of this.outgoing.values()) {
          m.sends += 1;
          if (m.awaiting === 'PUBCOMP') {
            this.notices.push({ kind: 'resent', packetType: 'PUBREL', packetId: m.packetId });
            this.send({ type: 'PUBREL', packetId: m.packetId });
          } else {
            this.notices.push({ kind: 'resent', packetType: 'PUBLISH', packetId: m.packetId });
            this.send({ type: 'PUBLISH', dup: true, qos: m.qos, retain: false, topic: m.topic, packetId: m.packetId, payload: m.payload });
          }
        }
        return;
      }
      case 'SUBACK': {
        const indexes = this.pendingSubscribe.get(packet.packetId) ?? [];
        indexes.forEach((index, i) => { this.subscriptions[index]!.granted = packet.reasonCodes[i] ?? null; });
        this.pendingSubscribe.delete(packet.packetId);
        return;
      }
      case 'PUBLISH':
        this.onPublish(packet);
        return;
      case 'PUBACK': {
        const m = this.outgoing.get(packet.packetId);
        if (m?.awaiting === 'PUBACK') {
          this.outgoing.delete(packet.packetId);
          this.notices.push({ kind: 'completed', packetId: packet.packetId, qos: 1, reasonCode: packet.reasonCode ?? 0 });
        }
        return;
      }
      case 'PUBREC': {
        const m = this.outgoing.get(packet.packetId);
        const code = packet.reasonCode ?? 0;
        if (code >= 0x80) {
          // 5.0: a PUBREC with an error ends the exchange; there is no PUBREL (5.0 §4.3.3).
          this.outgoing.delete(packet.packetId);
          this.notices.push({ kind: 'publish-refused', packetId: packet.packetId, reasonCode: code });
          return;
        }
        if (m !== undefined) m.awaiting = 'PUBCOMP';
        // Answer even a PUBREC we no longer expect, so the broker can let go of the id.
        this.send({ type: 'PUBREL', packetId: packet.packetId });
        return;
      }
      case 'PUBREL':
        this.awaitingRelease.delete(packet.packetId);
        this.notices.push({ kind: 'released', packetId: packet.packetId });
        this.send({ type: 'PUBCOMP', packetId: packet.packetId });
        return;
      case 'PUBCOMP': {
        const m = this.outgoing.get(packet.packetId);
        if (m?.awaiting === 'PUBCOMP') {
          this.outgoing.delete(packet.packetId);
          this.notices.push({ kind: 'completed', packetId: packet.packetId, qos: 2, reasonCode: packet.reasonCode ?? 0 });
        }
        return;
      }
      case 'DISCONNECT':
        this.connection = 'offline';
        return;
      default:
        return;
    }
  }

  private onPublish(packet: PublishPacket): void {
    const key = `${packet.topic}\u0000${Array.from(packet.payload).join(',')}`;
    const deliver = () => {
      const copy = (this.copies.get(key) ?? 0) + 1;
      this.copies.set(key, copy);
      const delivery: Delivery = { topic: packet.topic, payload: packet.payload, qos: packet.qos, dup: packet.dup, packetId: packet.packetId ?? null, copy };
      this.delivered.push(delivery);
      this.notices.push({ kind: 'delivered', delivery });
    };
    if (packet.qos === 0) {
      deliver();
    } else if (packet.qos === 1) {
      // QoS 1: deliver every copy and acknowledge it; duplicates are the price of "at least once".
      deliver();
      this.send({ type: 'PUBACK', packetId: packet.packetId! });
    } else {
      // QoS 2, the spec's "method B": deliver on first receipt, remember the id until PUBREL.
      if (this.awaitingRelease.has(packet.packetId!)) {
        this.notices.push({ kind: 'duplicate-suppressed', packetId: packet.packetId! });
      } else {
        this.awaitingRelease.add(packet.packetId!);
        deliver();
      }
      this.send({ type: 'PUBREC', packetId: packet.packetId! });
    }
  }
}
