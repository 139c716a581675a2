/**
 * The broker's public shapes: what a host passes in (clock, ids, sink, options), what it gets out
 * (events, snapshots). The broker never reads a real clock or a random source: the host decides
 * what time it is and how ids look, so the same inputs always give the same bytes and the same log.
 */
import type { Packet, Properties, ProtocolVersion, QoS } from '../codec/index.ts';

/** Milliseconds. Time only moves when the host says so (`broker.tick()` reads it). */
export interface Clock {
  now(): number;
}

/** Where connection ids and assigned client ids come from. Must not repeat. */
export interface IdSource {
  next(prefix: string): string;
}

/** The transport side of one connection, as the host gives it to `broker.accept`. */
export interface ConnectionSink {
  /** Bytes for the client. The broker never touches them again. */
  send(bytes: Uint8Array): void;
  /** The broker closes the network connection. Called at most once. */
  close(): void;
}

/**
 * What a connection needs from the broker that accepted it, and nothing more: the time, the
 * options, a place to run work in order, someone to hand each decoded packet to, someone to tell
 * when it closes, and the event log. The broker implements it; `C` is the connection type, so
 * this file needs to know nothing about connections.
 */
export interface ConnectionHost<C> {
  readonly clock: Clock;
  readonly options: ResolvedBrokerOptions;
  /** Runs `task` now, or after the task in progress: each packet is handled whole, in order. */
  run(task: () => void): void;
  /** A packet arrived on a connection past its CONNECT check. */
  dispatch(connection: C, packet: Packet): void;
  /** The connection has closed, for whatever cause. */
  connectionClosed(connection: C, cause: CloseCause, reason: string): void;
  /** Is anyone listening for this event type? (Events nobody reads are not built.) */
  wants(type: BrokerEventType): boolean;
  emit(event: BrokerEvent): void;
}

export interface ConnectionMeta {
  remoteAddress?: string;
  /** e.g. 'tcp', 'ws', 'memory'; shown in snapshots and events. */
  transport?: string;
}

/**
 * Decides whether a CONNECT may proceed. `true` accepts; `false` refuses as "bad user name or
 * password" (3.1.1 0x04, 5.0 0x86); a number refuses with that code. 5.0 codes (≥ 0x80) are
 * mapped down for 3.1/3.1.1 clients and 3.1.1 codes (1–5) up for 5.0 clients.
 */
export type Authenticate = (clientId: string, username: string | undefined, password: Uint8Array | undefined) => boolean | number;

export type AuthorizePublish = (clientId: string, topic: string) => boolean | number;

/**
 * An enhanced authentication method (5.0 §4.12), chosen by the CONNECT's Authentication Method.
 * `start` is called for each CONNECT and each re-authentication (AUTH 0x19) naming it.
 */
export interface EnhancedAuthenticator {
  readonly method: string;
  start(context: { clientId: string; username: string | undefined; reauthenticate: boolean }): AuthExchange;
}

/** One authentication exchange: the client's Authentication Data in, the next step out. May be async (Web Crypto is). */
export interface AuthExchange {
  step(data: Uint8Array | undefined): AuthVerdict | Promise<AuthVerdict>;
}

export type AuthVerdict =
  /** Send AUTH 0x18 Continue authentication with this data, and wait for the client's AUTH. */
  | { status: 'continue'; data?: Uint8Array }
  /**
   * Done: CONNACK 0x00 (or AUTH 0x00 after re-authentication) with this data. `identity` is who
   * was proven; a re-authentication must prove the same one.
   */
  | { status: 'success'; data?: Uint8Array; identity?: string }
  /** Refused: CONNACK (or, when re-authenticating, DISCONNECT) with this code; default 0x87 Not authorized. */
  | { status: 'failure'; reasonCode?: number; reason?: string };

export interface BrokerOptions {
  /** Protocol levels accepted. Default [3, 4, 5]. */
  protocolVersions?: ProtocolVersion[];
  authenticate?: Authenticate;
  /**
   * Decides whether a client may publish to a topic. `true` allows; `false` refuses with 0x87
   * Not authorized; a number ≥ 0x80 refuses with that PUBACK/PUBREC reason code. A refused
   * message is not routed; 3.1.1 clients cannot be told, so they get a plain acknowledgement
   * (3.1.1 MQTT-3.3.5-2). `$SYS/…` and `$share/…` are refused before this is asked.
   */
  authorizePublish?: AuthorizePublish;
  /** Enhanced authentication methods offered to 5.0 clients (5.0 §4.12). A CONNECT naming another gets CONNACK 0x8C. */
  authenticators?: EnhancedAuthenticator[];
  /** Queue QoS 0 messages for offline persistent sessions (mosquitto's queue_qos0_messages). Default false. */
  queueQos0Messages?: boolean;
  /** Per session: messages waiting to be sent (offline, or beyond the in-flight window). Default 1000, as mosquitto. */
  maxQueuedMessages?: number;
  /** Outgoing QoS 1/2 PUBLISHes awaiting acknowledgement, per session; 5.0 clients may lower it with Receive Maximum. Default 20, as mosquitto. */
  maxInflightMessages?: number;
  /** Our Receive Maximum for 5.0 clients: unreleased incoming QoS 2 messages allowed. Default 20. */
  receiveMaximum?: number;
  /** Our Topic Alias Maximum for 5.0 clients (client → broker aliases). Default 10, as mosquitto. 0 disables. */
  topicAliasMaximum?: number;
  /** Largest packet accepted from clients, in bytes; advertised to 5.0 clients. Default: the protocol maximum. */
  maximumPacketSize?: number;
  /** Highest QoS granted to subscriptions and accepted in PUBLISH / wills. Default 2. */
  maximumQoS?: QoS;
  retainAvailable?: boolean;
  wildcardSubscriptionAvailable?: boolean;
  subscriptionIdentifiersAvailable?: boolean;
  sharedSubscriptionAvailable?: boolean;
  /** Seconds. When set, 5.0 clients are told (CONNACK Server Keep Alive) and held to it. */
  serverKeepAlive?: number;
  /** Close connections that send no CONNECT within this many ms. Default 10 000; 0 disables. */
  connectTimeout?: number;
  /** Memory for outgoing packets (a Node host may pass Buffer.allocUnsafe). */
  allocate?: (size: number) => Uint8Array;
}

export interface BrokerInit {
  clock: Clock;
  ids: IdSource;
  options?: BrokerOptions;
}

export type ResolvedBrokerOptions = Required<Omit<BrokerOptions, 'authenticate' | 'authorizePublish' | 'serverKeepAlive' | 'allocate' | 'authenticators'>> & Pick<BrokerOptions, 'authenticate' | 'authorizePublish' | 'serverKeepAlive' | 'allocate' | 'authenticators'>;

// ---------------------------------------------------------------------------------------------
// Events. Every event has `type` and `time`; connection events carry `connectionId`.

export interface PacketEvent {
  type: 'packet';
  time: number;
  connectionId: string;
  clientId: string | null;
  direction: 'in' | 'out';
  bytes: Uint8Array;
  packet: Packet;
}

export interface ConnectionOpenedEvent { type: 'connection-opened'; time: number; connectionId: string; remoteAddress?: string; transport?: string }
export interface ClientConnectedEvent {
  type: 'client-connected'; time: number; connectionId: string; clientId: string; protocolVersion: ProtocolVersion;
  cleanSession: boolean; keepAlive: number; sessionPresent: boolean; assignedClientId: boolean;
}
export interface ConnectionRefusedEvent { type: 'connection-refused'; time: number; connectionId: string; clientId: string | null; reasonCode: number; reason: string }
export interface ClientDisconnectedEvent {
  type: 'client-disconnected'; time: number; connectionId: string; clientId: string | null;
  /** What ended it: 'disconnect' (client sent DISCONNECT), 'network', 'keepalive', 'taken-over', 'protocol-error', 'refused', 'connect-timeout', 'shutdown'. */
  cause: CloseCause;
  reason: string;
}
export type CloseCause = 'disconnect' | 'network' | 'keepalive' | 'taken-over' | 'protocol-error' | 'refused' | 'connect-timeout' | 'shutdown';
export interface ClientTakenOverEvent { type: 'client-taken-over'; time: number; clientId: string; oldConnectionId: string; newConnectionId: string }
export interface ProtocolErrorEvent { type: 'protocol-error'; time: number; connectionId: string; clientId: string | null; reasonCode: number | null; rule: string | null; message: string }
export interface KeepaliveExpiredEvent { type: 'keepalive-expired'; time: number; connectionId: string; clientId: string | null; keepAlive: number }

export interface SessionCreatedEvent { type: 'session-created'; time: number; clientId: string; expiryInterval: number }
export interface SessionResumedEvent { type: 'session-resumed'; time: number; clientId: string; expiryInterval: number }
/** The session is gone: its expiry passed (0 = at disconnect)... */
export interface SessionExpiredEvent { type: 'session-expired'; time: number; clientId: string }
/** ...or a Clean Start / Clean Session discarded it. */
export interface SessionDiscardedEvent { type: 'session-discarded'; time: number; clientId: string }

export interface WillScheduledEvent { type: 'will-scheduled'; time: number; clientId: string; topic: string; publishAt: number }
export interface WillPublishedEvent { type: 'will-published'; time: number; clientId: string; topic: string; qos: QoS; retain: boolean }
export interface WillDiscardedEvent { type: 'will-discarded'; time: number; clientId: string; topic: string; reason: string }

export interface MessagePublishedEvent {
  type: 'message-published'; time: number; clientId: string | null; topic: string; qos: QoS; retain: boolean;
  payloadLength: number; messageId: number; matched: number;
}
export interface MessageQueuedEvent { type: 'message-queued'; time: number; clientId: string; topic: string; qos: QoS; messageId: number; queued: number; why: 'offline' | 'inflight-window-full' }
export interface MessageDroppedEvent {
  type: 'message-dropped'; time: number; clientId: string | null; topic: string; qos: QoS; messageId: number | null;
  why: 'queue-full' | 'qos0-offline' | 'expired' | 'packet-too-large' | 'not-authorized' | 'session-ended';
}
export interface RetainedSetEvent { type: 'retained-set'; time: number; topic: string; clientId: string | null; qos: QoS; payloadLength: number }
export interface RetainedClearedEvent { type: 'retained-cleared'; time: number; topic: string; clientId: string | null; why: 'empty-payload' | 'expired' }
interface SubscriptionFields { time: number; clientId: string; filter: string; qos: QoS }
export interface SubscriptionAddedEvent extends SubscriptionFields { type: 'subscription-added' }
/** Same filter subscribed again: the options are replaced (3.1.1 MQTT-3.8.4-3, 5.0 MQTT-3.8.4-3). */
export interface SubscriptionReplacedEvent extends SubscriptionFields { type: 'subscription-replaced' }
export interface SubscriptionRemovedEvent extends SubscriptionFields { type: 'subscription-removed' }
export interface SubscriptionRefusedEvent { type: 'subscription-refused'; time: number; clientId: string; filter: string; reasonCode: number; reason: string }
export interface TopicAliasEvent {
  type: 'topic-alias'; time: number; connectionId: string; clientId: string | null;
  /** 'in': the client set an alias for us; 'out': we chose one for the client. */
  direction: 'in' | 'out'; alias: number; topic: string;
  /** Out only: the topic the alias meant before, when the least recently used alias was reused. */
  replaced?: string;
}

export type BrokerEvent =
  | PacketEvent | ConnectionOpenedEvent | ClientConnectedEvent | ConnectionRefusedEvent | ClientDisconnectedEvent
  | ClientTakenOverEvent | ProtocolErrorEvent | KeepaliveExpiredEvent | SessionCreatedEvent | SessionResumedEvent
  | SessionExpiredEvent | SessionDiscardedEvent | WillScheduledEvent | WillPublishedEvent | WillDiscardedEvent
  | MessagePublishedEvent | MessageQueuedEvent | MessageDroppedEvent | RetainedSetEvent | RetainedClearedEvent
  | SubscriptionAddedEvent | SubscriptionReplacedEvent | SubscriptionRemovedEvent | SubscriptionRefusedEvent | TopicAliasEvent;

export type BrokerEventType = BrokerEvent['type'];
export type BrokerEventMap = { [T in BrokerEventType]: Extract<BrokerEvent, { type: T }> };

// ---------------------------------------------------------------------------------------------
// Snapshot: plain data for a UI. Payloads are copies.

export interface MessageSnapshot {
  messageId: number;
  topic: string;
  qos: QoS;
  retain: boolean;
  payload: Uint8Array;
  properties?: Properties;
  /** Absolute ms, or null when it never expires. */
  expiresAt: number | null;
  publisherClientId: string | null;
}

export interface SubscriptionSnapshot {
  filter: string;
  qos: QoS;
  noLocal: boolean;
  retainAsPublished: boolean;
  retainHandling: 0 | 1 | 2;
  subscriptionIdentifier: number | null;
  shareGroup: string | null;
}

export interface QueuedSnapshot { message: MessageSnapshot; qos: QoS; retain: boolean; subscriptionIdentifiers: number[] }
export interface InflightOutSnapshot extends QueuedSnapshot {
  packetId: number;
  /** What we wait for from the client. */
  awaiting: 'PUBACK' | 'PUBREC' | 'PUBCOMP';
}
export interface InflightInSnapshot { packetId: number; message: MessageSnapshot | null }

export interface SessionSnapshot {
  clientId: string;
  online: boolean;
  connectionId: string | null;
  protocolVersion: ProtocolVersion;
  /** Seconds; 0xFFFFFFFF = never. */
  expiryInterval: number;
  /** When an offline session will be discarded (ms), or null (online or never). */
  expiresAt: number | null;
  subscriptions: SubscriptionSnapshot[];
  queue: QueuedSnapshot[];
  inflightOut: InflightOutSnapshot[];
  /** QoS 2 messages received, PUBREC sent, waiting for PUBREL. */
  inflightIn: InflightInSnapshot[];
  /** A will waiting for its delay after the connection closed. */
  pendingWill: { topic: string; qos: QoS; retain: boolean; publishAt: number } | null;
}

export interface ConnectionSnapshot {
  connectionId: string;
  clientId: string | null;
  state: 'awaiting-connect' | 'connected' | 'closed';
  protocolVersion: ProtocolVersion | null;
  remoteAddress: string | null;
  transport: string | null;
  /** Effective keepalive in seconds (0 = off). */
  keepAlive: number;
  lastPacketAt: number;
  /** When the keepalive (or connect timeout) runs out, or null. */
  deadline: number | null;
  will: { topic: string; qos: QoS; retain: boolean; delay: number } | null;
  topicAliasesIn: Array<[number, string]>;
  topicAliasesOut: Array<[number, string]>;
}

export interface BrokerSnapshot {
  time: number;
  connections: ConnectionSnapshot[];
  sessions: SessionSnapshot[];
  retained: MessageSnapshot[];
  sharedSubscriptions: Array<{ group: string; filter: string; members: string[]; next: number }>;
}
