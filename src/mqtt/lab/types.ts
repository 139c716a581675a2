/** The lab's shapes: what a client is told to do, what the log and the record hold. */
import type { ProtocolVersion, QoS } from '../codec/index.ts';

export type Version = 4 | 5;

/**
 * A structured message: a catalogue key (section `lab` of src/components/i18n) and its values,
 * shaped like the catalogue's Message. The lab's core returns these, never sentences.
 */
export interface LabMessage {
  readonly key: string;
  readonly values?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * What the lab shows: a message to translate, parts rendered one after another (a packet
 * summary), or text from outside (MQTT.js's error messages) shown as it is.
 */
export type LabText = LabMessage | readonly LabMessage[] | string;

/** Session Expiry Interval meaning "never" (5.0 §3.1.2.11.2). */
export const NEVER = 0xffff_ffff;

export interface WillSpec {
  topic: string;
  payload: string;
  qos: QoS;
  retain: boolean;
  /** 5.0 Will Delay Interval, seconds. */
  delay?: number;
  /** 5.0 Message Expiry Interval of the will, seconds. */
  messageExpiry?: number;
}

/** How a client connects: the CONNECT it sends. */
export interface ConnectSpec {
  clientId: string;
  version: Version;
  /** 3.1.1 Clean Session / 5.0 Clean Start. */
  clean: boolean;
  /** 5.0 Session Expiry Interval in seconds (0 = ends with the connection, NEVER = never). Ignored for 3.1.1. */
  sessionExpiry: number;
  /** Seconds; 0 turns keepalive off. */
  keepalive: number;
  will: WillSpec | null;
  username: string;
  password: string;
  /** 5.0 enhanced authentication (§4.12): the CONNECT names this Authentication Method and the client runs its exchange. */
  auth?: { method: 'SCRAM-SHA-256'; username: string; password: string };
}

export function defaultConnectSpec(clientId: string): ConnectSpec {
  return { clientId, version: 4, clean: true, sessionExpiry: 0, keepalive: 60, will: null, username: '', password: '' };
}

export interface SubscribeSpec {
  filter: string;
  qos: QoS;
  /** 5.0 subscription options. */
  noLocal?: boolean;
  retainAsPublished?: boolean;
  retainHandling?: 0 | 1 | 2;
}

export interface PublishSpec {
  topic: string;
  payload: string;
  qos: QoS;
  retain: boolean;
  /** 5.0 Message Expiry Interval, seconds. */
  messageExpiry?: number;
  /** 5.0 User Properties, in order. */
  userProperties?: Array<[string, string]>;
  contentType?: string;
}

export interface DisconnectSpec {
  /** 5.0 reason code: 0x00 normal, 0x04 "disconnect with will message". */
  reasonCode?: number;
  /** 5.0: a new Session Expiry Interval sent with the DISCONNECT. */
  sessionExpiry?: number;
}

export type ClientStatus = 'offline' | 'connecting' | 'online';

/** A message handed to a client's application (MQTT.js's 'message' event). */
export interface ReceivedMessage {
  label: string;
  time: number;
  topic: string;
  payload: string;
  qos: QoS;
  retain: boolean;
  dup: boolean;
  /** Which connection of this client it arrived on (1 = the first). */
  connection: number;
  messageExpiry?: number;
  userProperties?: Array<[string, string]>;
}

export interface LabClientView {
  label: string;
  config: ConnectSpec;
  status: ClientStatus;
  /** False after "stop sending pings": the client's keepalive timer is frozen. */
  pinging: boolean;
  connectionId: string | null;
  /** Connections opened so far. */
  connections: number;
  sessionPresent: boolean | null;
  /** 5.0 Assigned Client Identifier from the last CONNACK. */
  assignedClientId: string | null;
  /** The last thing that went wrong. */
  error: LabText | null;
  received: ReceivedMessage[];
  /** What the client subscribed to and what the broker granted (null until SUBACK). */
  subscriptions: Array<{ filter: string; qos: QoS; granted: number | null }>;
}

export interface LogEntry {
  seq: number;
  /** Lab time in ms: virtual in the in-browser broker, real (since the lab opened) against a real broker. */
  time: number;
  kind: 'packet' | 'event' | 'note';
  /** The lab client involved, if known. */
  label: string | null;
  connectionId: string | null;
  /** For packets: which way it went. */
  direction: 'to-broker' | 'to-client' | null;
  /** Packet type (CONNECT…) or broker event type (will-published…). */
  type: string;
  /** A packet's one-line summary, a broker decision or a note. */
  summary: LabText;
  /** The packet's bytes as hex, for the decoder. */
  hex: string | null;
  length: number;
  version: ProtocolVersion;
}

export interface ConnackRecord {
  label: string;
  time: number;
  /** Null when no CONNACK came (the client library refused, or the network failed). */
  reasonCode: number | null;
  sessionPresent: boolean;
  assignedClientId: string | null;
}
