/**
 * Session state (3.1.1 §4.1, 5.0 §4.1): what outlives a network connection when the client asked
 * for a persistent session — subscriptions, messages waiting to be sent, QoS 1/2 messages sent but
 * not acknowledged, QoS 2 messages received but not released, and a will waiting for its delay.
 */
import type { Packet, ProtocolVersion, QoS, Will } from '../codec/index.ts';
import type { Delivery, InflightDelivery, Message } from './message.ts';
import type { CloseCause } from './types.ts';

/**
 * The network connection a session is attached to, as the session's users see it (delivery,
 * routing, takeover). BrokerConnection is one; the session file need not know the class.
 */
export interface SessionConnection {
  readonly id: string;
  /** Connected and past CONNACK: may receive PUBLISHes. */
  readonly isOpen: boolean;
  readonly clientReceiveMaximum: number;
  will: Will | null;
  send(packet: Packet): boolean;
  sendPublish(delivery: Delivery, packetId: number | undefined, dup: boolean): boolean;
  close(cause: CloseCause, reason: string, disconnectReasonCode?: number): void;
}

/** Session Expiry Interval meaning "never" (5.0 §3.1.2.11.2); also how 3.1.1 Clean Session 0 behaves. */
export const NEVER_EXPIRES = 0xffff_ffff;

export interface SubscriptionRecord {
  /** As the client sent it, `$share/group/…` included: UNSUBSCRIBE compares it character by character (MQTT-3.10.4-1). */
  readonly filter: string;
  readonly qos: QoS;
  readonly noLocal: boolean;
  readonly retainAsPublished: boolean;
  readonly retainHandling: 0 | 1 | 2;
  readonly subscriptionIdentifier: number | undefined;
  /** For `$share/{group}/{filter}`; undefined for an ordinary subscription. */
  readonly share: { readonly group: string; readonly filter: string } | undefined;
  readonly clientId: string;
}

export interface PendingWill {
  readonly will: Will;
  readonly publishAt: number;
}

export class Session {
  readonly clientId: string;
  protocolVersion: ProtocolVersion;
  /** Seconds. 0 ends the session with the connection; NEVER_EXPIRES keeps it. */
  expiryInterval: number;
  connection: SessionConnection | null = null;
  disconnectedAt: number | null = null;
  readonly subscriptions = new Map<string, SubscriptionRecord>();
  /** Deliveries not sent yet, in order. */
  queue: Delivery[] = [];
  /** Sent QoS 1/2 deliveries awaiting acknowledgement, keyed by packet id, in the order first sent. */
  readonly inflightOut = new Map<number, InflightDelivery>();
  /**
   * QoS 2 PUBLISHes received and answered with PUBREC, held until PUBREL (the spec's "Method A",
   * as mosquitto does): the message goes to subscribers when it is released. null marks an id we
   * acknowledged without keeping the message (e.g. a refused publish in 3.1.1).
   */
  readonly inflightIn = new Map<number, Message | null>();
  pendingWill: PendingWill | null = null;
  private lastPacketId = 0;

  constructor(clientId: string, protocolVersion: ProtocolVersion, expiryInterval: number) {
    this.clientId = clientId;
    this.protocolVersion = protocolVersion;
    this.expiryInterval = expiryInterval;
  }

  get online(): boolean {
    return this.connection !== null;
  }

  /** When an offline session is to be discarded, or null (online, or never). */
  expiresAt(): number | null {
    if (this.connection !== null || this.disconnectedAt === null || this.expiryInterval === NEVER_EXPIRES) return null;
    return this.disconnectedAt + this.expiryInterval * 1000;
  }

  /**
   * The next packet id not in use by an unacknowledged outgoing PUBLISH/PUBREL (3.1.1 MQTT-2.3.1-2,
   * 5.0 MQTT-2.2.1-4), counting up from the last one and wrapping after 65535. Null if all are taken.
   */
  allocatePacketId(): number | null {
    for (let tries = 0; tries < 0xffff; tries++) {
      this.lastPacketId = this.lastPacketId === 0xffff ? 1 : this.lastPacketId + 1;
      if (!this.inflightOut.has(this.lastPacketId)) return this.lastPacketId;
    }
    return null;
  }
}
