/**
 * The broker lab's engine: real MQTT.js clients, either on this site's broker core running in
 * the page (virtual time) or on a real broker over WebSocket (real time), with a Wireshark-like
 * packet log, the broker's decisions, and what each client's application received.
 *
 * No DOM and no real clock in here: MQTT.js is passed in (the page gives its browser build, tests
 * the Node build), and so is everything real-time that the WebSocket mode needs.
 *
 * Time, in the in-browser mode. The broker runs on a manual clock. MQTT.js's keepalive timer is
 * given to it as `timerVariant` and runs on the same virtual clock (see virtual-timers.ts), so
 * "+1 min" makes a client with keepalive 10 s really send its PINGREQs at 10 s, 20 s, … and the
 * broker sees them at those moments. `advance` walks from one due moment to the next — a client
 * timer or a broker deadline — and lets the real clients react before going on. "Stop sending
 * pings" freezes that client's keepalive timer; the socket stays open, like a hung process.
 * MQTT.js's own real-time timers stay out of the way: reconnectPeriod is 0 (the lab reconnects
 * when told to) and its connect timeout never matters in memory.
 */
import type { IClientOptions, IClientPublishOptions, IClientSubscribeOptions, MqttClient } from 'mqtt';
import { Broker, createManualClock, sequentialIds, type BrokerEvent, type BrokerOptions, type BrokerSnapshot, type ManualClock } from '../broker/index.ts';
import type { BrokerConnection } from '../broker/connection.ts';
import { createBrokerStream } from '../broker/duplex.ts';
import { bytesToHex, encodePacket, StreamDecoder, type ConnectPacket, type Packet, type ProtocolVersion, type QoS } from '../codec/index.ts';
import { PacketCapture } from './capture.ts';
import { ScramClient } from '../broker/scram.ts';
import { labScramAuthenticator } from './lab-auth.ts';
import { eventMessage } from './event-text.ts';
import { payloadText } from './payload-text.ts';
import { summarizePacket } from './summary.ts';
import { TimerGroup, VirtualTimers } from './virtual-timers.ts';
import { defaultConnectSpec } from './types.ts';
import {
  NEVER, type ClientStatus, type ConnackRecord, type ConnectSpec, type DisconnectSpec, type LabClientView, type LabMessage, type LabText, type LogEntry,
  type PublishSpec, type ReceivedMessage, type SubscribeSpec,
} from './types.ts';

export type MqttClientConstructor = new (streamBuilder: (client: MqttClient) => never, options: IClientOptions) => MqttClient;

/** What the WebSocket transport reports to the lab: every byte each way, and failures in words. */
export interface TransportTap {
  bytes(direction: 'to-broker' | 'to-client', chunk: Uint8Array): void;
  error(message: string): void;
}

/** Everything real-time the real-broker mode needs from its host (the page). */
export interface RemoteHost {
  url: string;
  /** Opens a Duplex to the broker (MQTT over WebSocket) that reports to `tap`. */
  open(url: string, tap: TransportTap): unknown;
  /** Real milliseconds. */
  now(): number;
  every(ms: number, fn: () => void): () => void;
  wait(ms: number): Promise<void>;
}

export interface LabInit {
  MqttClient: MqttClientConstructor;
  /** Absent: the in-browser broker. */
  remote?: RemoteHost;
  brokerOptions?: BrokerOptions;
  /** Gives way to the event loop so the clients' streams can run. Default: a zero timeout. */
  yieldToEventLoop?: () => Promise<void>;
  /** The client id a new client starts with. Default `client-a`, `client-b`, … */
  defaultClientId?: (label: string) => string;
  maxLogEntries?: number;
  /** How long to wait for a CONNACK or an acknowledgement from a real broker. Default 10 s. */
  remoteTimeoutMs?: number;
}

export interface ClientSetup {
  label: string;
  config: ConnectSpec;
}

export interface LabView {
  version: number;
  mode: 'memory' | 'remote';
  url: string | null;
  time: number;
  clients: LabClientView[];
  log: LogEntry[];
  /** The broker's state; null against a real broker (its inside cannot be seen). */
  snapshot: BrokerSnapshot | null;
  nextDeadline: Deadline | null;
}

export interface Deadline {
  time: number;
  what: LabMessage;
}

/** Everything that happened since the last reset, for experiments to judge. */
export interface LabRecord {
  events: BrokerEvent[];
  received: ReceivedMessage[];
  connacks: ConnackRecord[];
  notes: Array<{ label: string | null; time: number; text: LabMessage }>;
  marks: Map<string, number>;
}

export const LABELS = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
export const MAX_CLIENTS = LABELS.length;

/** A refused lab action; `text` is what to show (the Error message is its key, for logs). */
export class LabError extends Error {
  readonly text: LabMessage;
  constructor(text: LabMessage) {
    super(text.key);
    this.text = text;
  }
}

const msg = (key: string, values?: Record<string, string | number | boolean>): LabMessage => (values === undefined ? { key: `lab.${key}` } : { key: `lab.${key}`, values });

interface Slot {
  label: string;
  config: ConnectSpec;
  status: ClientStatus;
  pinging: boolean;
  mqtt: MqttClient | null;
  timers: TimerGroup | null;
  connectionId: string | null;
  connections: number;
  sessionPresent: boolean | null;
  assignedClientId: string | null;
  error: LabText | null;
  received: ReceivedMessage[];
  subscriptions: Map<string, { qos: QoS; granted: number | null }>;
  raw: BrokerConnection | null;
}

const defaultYield = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export class Lab {
  readonly mode: 'memory' | 'remote';
  readonly remote: RemoteHost | null;
  private readonly init: LabInit;
  private readonly MqttClient: MqttClientConstructor;
  private readonly yieldToEventLoop: () => Promise<void>;
  private readonly maxLog: number;
  private clock!: ManualClock;
  private broker!: Broker;
  private timers!: VirtualTimers;
  private detachBroker: (() => void) | null = null;
  private stopPump: (() => void) | null = null;
  private readonly startedAt: number;
  private slots: Slot[] = [];
  private log: LogEntry[] = [];
  private seq = 0;
  private connectionLabels = new Map<string, string>();
  private connectionVersions = new Map<string, ProtocolVersion>();
  private pendingLabel: string | null = null;
  private pendingVersion: ProtocolVersion = 4;
  private remoteConnections = 0;
  private activity = 0;
  private changeVersion = 0;
  private cachedView: LabView | null = null;
  private notifyScheduled = false;
  private readonly listeners = new Set<() => void>();
  private disposed = false;
  record!: LabRecord;

  constructor(init: LabInit) {
    this.init = init;
    this.MqttClient = init.MqttClient;
    this.remote = init.remote ?? null;
    this.mode = this.remote === null ? 'memory' : 'remote';
    this.yieldToEventLoop = init.yieldToEventLoop ?? defaultYield;
    this.maxLog = init.maxLogEntries ?? 1500;
    this.startedAt = this.remote?.now() ?? 0;
    this.resetState();
    if (this.remote !== null) {
      // Real time: MQTT.js's keepalive timers fire from a real interval (still pausable).
      this.stopPump = this.remote.every(100, () => this.timers.fireDue());
    }
  }

  // -------------------------------------------------------------------------------------------
  // Observing

  /** Calls `listener` (once per burst) whenever the view changes. Bound, for useSyncExternalStore. */
  onChange = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  };

  /** An immutable picture of the lab, the same object until something changes. */
  getView = (): LabView => {
    if (this.cachedView !== null && this.cachedView.version === this.changeVersion) return this.cachedView;
    const snapshot = this.mode === 'memory' ? this.broker.inspect() : null;
    this.cachedView = {
      version: this.changeVersion,
      mode: this.mode,
      url: this.remote?.url ?? null,
      time: this.now(),
      clients: this.slots.map((s) => this.viewOf(s)),
      log: this.log.slice(),
      snapshot,
      nextDeadline: this.mode === 'memory' ? this.nextDeadline(snapshot!) : null,
    };
    return this.cachedView;
  };

  /** Lab time in ms. */
  now(): number {
    return this.remote === null ? this.clock.now() : this.remote.now() - this.startedAt;
  }

  client(label: string): LabClientView {
    return this.viewOf(this.slot(label));
  }

  get clientLabels(): string[] {
    return this.slots.map((s) => s.label);
  }

  /** The broker core (in-browser mode only), for tests and the inspector. */
  get memoryBroker(): Broker | null {
    return this.mode === 'memory' ? this.broker : null;
  }

  mark(name: string): void {
    this.record.marks.set(name, this.now());
  }

  // -------------------------------------------------------------------------------------------
  // Setting up

  /** Starts over: a fresh broker at time 0 (in-browser mode), these clients, all offline, an empty log. */
  reset(clients?: ClientSetup[]): void {
    const setups = clients ?? this.slots.map((s) => ({ label: s.label, config: s.config }));
    for (const slot of this.slots) this.discard(slot);
    this.resetState();
    this.slots = [];
    for (const setup of setups) this.slots.push(this.newSlot(setup.label, setup.config));
    this.changed();
  }

  addClient(config?: ConnectSpec): string {
    if (this.slots.length >= MAX_CLIENTS) throw new LabError(msg('error.tooManyClients', { max: MAX_CLIENTS }));
    const label = LABELS.find((l) => !this.slots.some((s) => s.label === l))!;
    this.slots.push(this.newSlot(label, config ?? defaultConnectSpec(this.defaultClientId(label))));
    this.slots.sort((a, b) => a.label.localeCompare(b.label));
    this.changed();
    return label;
  }

  removeClient(label: string): void {
    const slot = this.slot(label);
    this.discard(slot);
    this.slots = this.slots.filter((s) => s !== slot);
    this.changed();
  }

  configure(label: string, config: ConnectSpec): void {
    this.slot(label).config = config;
    this.changed();
  }

  dispose(): void {
    if (this.disposed) return;
    for (const slot of this.slots) this.discard(slot);
    this.detachBroker?.();
    this.stopPump?.();
    this.disposed = true;
    this.listeners.clear();
  }

  // -------------------------------------------------------------------------------------------
  // What clients do

  /** Connects with the client's configuration (a new MQTT.js client object, as a restarted application would). */
  async connect(label: string): Promise<void> {
    const slot = this.slot(label);
    if (slot.status !== 'offline') throw new LabError(msg('error.alreadyConnected', { label }));
    this.discard(slot);
    const spec = slot.config;
    slot.status = 'connecting';
    slot.error = null;
    slot.pinging = true;
    slot.sessionPresent = null;
    slot.assignedClientId = null;
    slot.subscriptions.clear();
    slot.connections++;
    const connectionNumber = slot.connections;
    const timers = this.timers.group();
    slot.timers = timers;
    const v5 = spec.version === 5;
    const options: IClientOptions = {
      clientId: spec.clientId,
      protocolVersion: spec.version,
      clean: spec.clean,
      keepalive: spec.keepalive,
      reconnectPeriod: 0,
      connectTimeout: this.init.remoteTimeoutMs ?? 10_000,
      manualConnect: true,
      resubscribe: false,
      queueQoSZero: false,
      timerVariant: timers.timer as never,
    };
    if (v5 && spec.sessionExpiry > 0) options.properties = { sessionExpiryInterval: spec.sessionExpiry };
    // 5.0 §4.12: the CONNECT names the method and carries the client's first message (SCRAM client-first).
    const scram = v5 && spec.auth !== undefined ? new ScramClient(spec.auth.username, spec.auth.password) : null;
    if (scram !== null) options.properties = { ...options.properties, authenticationMethod: spec.auth!.method, authenticationData: scram.first() as never };
    if (spec.username !== '') options.username = spec.username;
    if (spec.password !== '') options.password = spec.password;
    if (spec.will !== null) {
      const will = spec.will;
      const properties: Record<string, number> = {};
      if (v5 && will.delay) properties.willDelayInterval = will.delay;
      if (v5 && will.messageExpiry) properties.messageExpiryInterval = will.messageExpiry;
      options.will = { topic: will.topic, payload: will.payload as never, qos: will.qos, retain: will.retain, ...(Object.keys(properties).length > 0 ? { properties } : {}) };
    }
    const client = new this.MqttClient(() => this.openStream(slot) as never, options);
    slot.mqtt = client;
    const mine = () => slot.mqtt === client;
    if (scram !== null) {
      // MQTT.js hands each AUTH to handleAuth; for 0x18 Continue authentication it sends the AUTH we
      // call back with (5.0 MQTT-4.12.0-2 / §4.12: same method, the next step's data).
      (client as unknown as { handleAuth: (packet: { reasonCode?: number; properties?: { authenticationData?: Uint8Array } }, callback: (error?: Error, packet?: unknown) => void) => void }).handleAuth = (packet, callback) => {
        if (packet.reasonCode !== 0x18 || packet.properties?.authenticationData === undefined) { callback(); return; }
        this.activity++;
        scram.final(packet.properties.authenticationData).then(
          (data) => { this.activity++; callback(undefined, { cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: spec.auth!.method, authenticationData: data } }); },
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      };
    }
    client.on('packetsend', () => { this.activity++; });
    client.on('packetreceive', (packet) => {
      this.activity++;
      if (!mine() || packet.cmd !== 'connack') return;
      const code = (packet as { reasonCode?: number; returnCode?: number }).reasonCode ?? (packet as { returnCode?: number }).returnCode ?? 0;
      const assigned = (packet as { properties?: { assignedClientIdentifier?: string } }).properties?.assignedClientIdentifier ?? null;
      slot.sessionPresent = (packet as { sessionPresent?: boolean }).sessionPresent ?? false;
      slot.assignedClientId = assigned;
      this.record.connacks.push({ label: slot.label, time: this.now(), reasonCode: code, sessionPresent: slot.sessionPresent, assignedClientId: assigned });
      if (code !== 0) slot.error = msg('error.refused', { ...describeConnackCode(code, spec.version), hint: connackHint(code) });
      this.changed();
    });
    client.on('connect', () => {
      if (!mine()) return;
      slot.status = 'online';
      this.changed();
    });
    client.on('message', (topic, payload, packet) => {
      if (!mine()) return;
      const properties = (packet as { properties?: { messageExpiryInterval?: number; userProperties?: Record<string, string | string[]> } }).properties;
      const message: ReceivedMessage = {
        label: slot.label, time: this.now(), topic, payload: payloadText(payload).text, qos: packet.qos, retain: packet.retain, dup: packet.dup,
        connection: connectionNumber,
      };
      if (properties?.messageExpiryInterval !== undefined) message.messageExpiry = properties.messageExpiryInterval;
      if (properties?.userProperties !== undefined) message.userProperties = flattenUserProperties(properties.userProperties);
      slot.received.push(message);
      if (slot.received.length > 200) slot.received.shift();
      this.record.received.push(message);
      this.changed();
    });
    client.on('error', (error) => {
      if (!mine()) return;
      // A refused CONNACK is reported from the packet itself; keep that wording.
      if (slot.error === null) slot.error = error.message;
      this.changed();
    });
    client.on('disconnect', (packet) => {
      if (!mine()) return;
      const code = packet.reasonCode ?? 0;
      this.note(slot.label, msg('note.toldDisconnect', { label: slot.label, code: `0x${code.toString(16).padStart(2, '0')}`, hasReason: Boolean(packet.properties?.reasonString), reason: packet.properties?.reasonString ?? '' }));
    });
    client.on('close', () => {
      this.activity++;
      if (!mine()) return;
      if (slot.status === 'connecting' && slot.error === null) slot.error = msg(this.mode === 'remote' ? 'error.closedBeforeAnswer' : 'error.closedBeforeConnack');
      slot.status = 'offline';
      slot.connectionId = null;
      timers.dispose();
      this.changed();
    });
    client.connect();
    await this.waitFor(() => slot.status !== 'connecting', 'connect');
    // An authentication exchange waits on Web Crypto (the broker's and the client's), which the
    // quiet-loop of settle() does not see: give it turns until the CONNACK or the close.
    if (scram !== null && this.remote === null) {
      for (let i = 0; i < 5000 && slot.status === 'connecting' && mine(); i++) await this.yieldToEventLoop();
      await this.settle();
    }
    if (slot.status === 'connecting' && mine()) {
      slot.error = msg('error.noConnack', { s: String((this.init.remoteTimeoutMs ?? 10_000) / 1000) });
      this.discard(slot);
      this.changed();
    }
  }

  /**
   * Sends a CONNECT that MQTT.js would refuse to send (e.g. an empty client id with Clean
   * Session 0), encoded by this site's codec, on a fresh connection to the in-browser broker.
   */
  async rawConnect(label: string, spec: ConnectSpec): Promise<void> {
    if (this.mode !== 'memory') throw new LabError(msg('error.rawRemote'));
    const slot = this.slot(label);
    this.discard(slot);
    slot.connections++;
    const decoder = new StreamDecoder({ protocolVersion: spec.version });
    this.pendingLabel = slot.label;
    this.pendingVersion = spec.version;
    const connection = this.broker.accept({
      send: (bytes) => {
        for (const { packet } of decoder.push(bytes)) {
          if (packet.type !== 'CONNACK') continue;
          slot.sessionPresent = packet.sessionPresent;
          this.record.connacks.push({ label, time: this.now(), reasonCode: packet.reasonCode, sessionPresent: packet.sessionPresent, assignedClientId: packet.properties?.assignedClientIdentifier ?? null });
          if (packet.reasonCode === 0) slot.status = 'online';
          else slot.error = msg('error.refused', { ...describeConnackCode(packet.reasonCode, spec.version), hint: 'none' });
        }
      },
      close: () => {
        slot.status = 'offline';
        slot.raw = null;
        this.changed();
      },
    }, { transport: 'memory', remoteAddress: `lab:${label}` });
    this.pendingLabel = null;
    slot.raw = connection;
    slot.connectionId = connection.id;
    const packet: ConnectPacket = {
      type: 'CONNECT', protocolName: 'MQTT', protocolLevel: spec.version, cleanSession: spec.clean, keepAlive: spec.keepalive, clientId: spec.clientId,
    };
    if (spec.version === 5 && spec.sessionExpiry > 0) packet.properties = { sessionExpiryInterval: spec.sessionExpiry };
    this.note(label, msg('note.rawConnect', { label }));
    connection.receive(encodePacket(packet, { protocolVersion: spec.version }));
    await this.settle();
    this.changed();
  }

  async subscribe(label: string, spec: SubscribeSpec): Promise<void> {
    const { slot, client } = this.online(label);
    const options: IClientSubscribeOptions = { qos: spec.qos };
    if (slot.config.version === 5) {
      if (spec.noLocal) options.nl = true;
      if (spec.retainAsPublished) options.rap = true;
      if (spec.retainHandling) options.rh = spec.retainHandling;
    }
    slot.subscriptions.set(spec.filter, { qos: spec.qos, granted: null });
    this.changed();
    let done = false;
    client.subscribe(spec.filter, options, (error, granted) => {
      done = true;
      const entry = slot.subscriptions.get(spec.filter);
      if (error) slot.error = error.message;
      if (entry !== undefined && granted !== undefined && granted[0] !== undefined) entry.granted = granted[0].qos;
      this.changed();
    });
    await this.waitFor(() => done, 'subscribe');
  }

  async unsubscribe(label: string, filter: string): Promise<void> {
    const { slot, client } = this.online(label);
    let done = false;
    client.unsubscribe(filter, () => {
      done = true;
      slot.subscriptions.delete(filter);
      this.changed();
    });
    await this.waitFor(() => done, 'unsubscribe');
  }

  async publish(label: string, spec: PublishSpec): Promise<void> {
    const { slot, client } = this.online(label);
    const options: IClientPublishOptions = { qos: spec.qos, retain: spec.retain };
    if (slot.config.version === 5) {
      const properties: NonNullable<IClientPublishOptions['properties']> = {};
      if (spec.messageExpiry !== undefined && spec.messageExpiry > 0) properties.messageExpiryInterval = spec.messageExpiry;
      if (spec.contentType) properties.contentType = spec.contentType;
      if (spec.userProperties !== undefined && spec.userProperties.length > 0) properties.userProperties = groupUserProperties(spec.userProperties);
      if (Object.keys(properties).length > 0) options.properties = properties;
    }
    let done = false;
    client.publish(spec.topic, spec.payload, options, (error) => {
      done = true;
      if (error) {
        slot.error = error.message;
        this.changed();
      }
    });
    await this.waitFor(() => done, 'publish');
  }

  /** Sends DISCONNECT (5.0: with a reason code and maybe a new Session Expiry Interval), then closes. */
  async disconnect(label: string, spec: DisconnectSpec = {}): Promise<void> {
    const { slot, client } = this.online(label);
    let options: Record<string, unknown> = {};
    if (slot.config.version === 5) {
      options = { reasonCode: spec.reasonCode ?? 0 };
      if (spec.sessionExpiry !== undefined) options.properties = { sessionExpiryInterval: spec.sessionExpiry };
    }
    let done = false;
    client.end(false, options, () => { done = true; });
    await this.waitFor(() => done || slot.status === 'offline', 'disconnect');
  }

  /** The network connection is gone without a DISCONNECT (the stream is destroyed, like a pulled cable). */
  async drop(label: string): Promise<void> {
    const slot = this.slot(label);
    if (slot.raw !== null) {
      slot.raw.drop();
      slot.raw = null;
      slot.status = 'offline';
    } else {
      const client = slot.mqtt;
      if (client === null || slot.status === 'offline') throw new LabError(msg('error.notConnected', { label }));
      (client.stream as unknown as { destroy(): void }).destroy();
    }
    await this.waitFor(() => slot.status === 'offline', 'drop');
    this.changed();
  }

  /** "Stop sending pings" (false) freezes the client's keepalive timer; true starts it again. */
  setPinging(label: string, pinging: boolean): void {
    const slot = this.slot(label);
    slot.pinging = pinging;
    if (slot.timers !== null) {
      if (pinging) slot.timers.resume();
      else slot.timers.paused = true;
    }
    this.note(label, msg(pinging ? 'note.pingsAgain' : 'note.silent', { label }));
    this.changed();
  }

  // -------------------------------------------------------------------------------------------
  // Time (in-browser broker only)

  /** Moves the virtual clock forward, stopping at every client timer and broker deadline on the way. */
  async advance(ms: number): Promise<void> {
    if (this.mode !== 'memory') throw new LabError(msg('error.timeRemote'));
    if (!(ms >= 0)) throw new RangeError(`advance(${ms})`);
    const target = this.clock.now() + ms;
    for (let guard = 0; guard < 100_000; guard++) {
      const next = minimum(this.timers.nextDue(), this.broker.nextDeadline());
      if (next === null || next > target) break;
      if (next > this.clock.now()) this.clock.set(next);
      await this.fireAndTick();
    }
    if (target > this.clock.now()) this.clock.set(target);
    await this.fireAndTick();
    this.changed();
  }

  /** Advances to the broker's next deadline (keepalive, will delay, session or message expiry). Returns false if there is none. */
  async advanceToNextDeadline(): Promise<boolean> {
    if (this.mode !== 'memory') return false;
    const next = this.broker.nextDeadline();
    if (next === null) return false;
    await this.advance(Math.max(0, next - this.clock.now()));
    return true;
  }

  /**
   * Lets the clients and the broker finish what they are doing: gives way to the event loop until
   * nothing has happened for a few turns.
   */
  async settle(): Promise<void> {
    let quiet = 0;
    for (let i = 0; i < 400 && quiet < 3; i++) {
      const before = this.activity;
      await this.yieldToEventLoop();
      quiet = this.activity === before ? quiet + 1 : 0;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Internals

  private async fireAndTick(): Promise<void> {
    const before = this.activity;
    this.timers.fireDue();
    this.broker.tick();
    // Most keepalive timer turns only count; they send nothing and need no waiting.
    if (this.activity !== before) await this.settle();
  }

  private resetState(): void {
    this.detachBroker?.();
    this.detachBroker = null;
    if (this.remote === null) {
      this.clock = createManualClock(0);
      // The lab's broker offers SCRAM-SHA-256 enhanced authentication for its one lab user (lab-auth.ts).
      this.broker = new Broker({ clock: this.clock, ids: sequentialIds(), options: { authenticators: [labScramAuthenticator()], ...this.init.brokerOptions } });
      this.timers = new VirtualTimers(this.clock);
      this.detachBroker = this.broker.events.onAny((event) => this.onBrokerEvent(event));
    } else {
      const remote = this.remote;
      this.timers ??= new VirtualTimers({ now: () => remote.now() });
    }
    this.log = [];
    this.connectionLabels = new Map();
    this.connectionVersions = new Map();
    this.record = { events: [], received: [], connacks: [], notes: [], marks: new Map() };
  }

  private newSlot(label: string, config: ConnectSpec): Slot {
    return {
      label, config, status: 'offline', pinging: true, mqtt: null, timers: null, connectionId: null, connections: 0, sessionPresent: null,
      assignedClientId: null, error: null, received: [], subscriptions: new Map(), raw: null,
    };
  }

  private defaultClientId(label: string): string {
    return this.init.defaultClientId?.(label) ?? `client-${label.toLowerCase()}`;
  }

  private slot(label: string): Slot {
    const slot = this.slots.find((s) => s.label === label);
    if (slot === undefined) throw new LabError(msg('error.noClient', { label }));
    return slot;
  }

  private online(label: string): { slot: Slot; client: MqttClient } {
    const slot = this.slot(label);
    if (slot.mqtt === null || slot.status !== 'online') throw new LabError(msg('error.notConnected', { label }));
    return { slot, client: slot.mqtt };
  }

  /** Forgets a client's MQTT.js object; a connection still open is dropped. */
  private discard(slot: Slot): void {
    const client = slot.mqtt;
    slot.mqtt = null;
    slot.timers?.dispose();
    slot.timers = null;
    if (client !== null) {
      client.removeAllListeners('message');
      try {
        client.end(true);
      } catch {
        // Already closed.
      }
    }
    if (slot.raw !== null) {
      slot.raw.drop();
      slot.raw = null;
    }
    slot.status = 'offline';
    slot.connectionId = null;
  }

  private openStream(slot: Slot): unknown {
    if (this.remote === null) {
      this.pendingLabel = slot.label;
      this.pendingVersion = slot.config.version;
      const stream = createBrokerStream(this.broker, { transport: 'memory', remoteAddress: `lab:${slot.label}` });
      this.pendingLabel = null;
      slot.connectionId = stream.connection.id;
      stream.on('error', (error: Error) => {
        // MQTT.js (mqtt-packet) destroys the stream with an error when it will not encode a packet.
        if (slot.connectionId === stream.connection.id && slot.status === 'connecting') slot.error = msg('error.mqttjsRefused', { message: error.message });
        this.note(slot.label, msg('note.libraryError', { label: slot.label, message: error.message }));
      });
      return stream;
    }
    const connectionId = `ws${++this.remoteConnections}`;
    slot.connectionId = connectionId;
    this.connectionLabels.set(connectionId, slot.label);
    const version = slot.config.version;
    this.connectionVersions.set(connectionId, version);
    const captures = { 'to-broker': new PacketCapture(version), 'to-client': new PacketCapture(version) };
    const tap: TransportTap = {
      bytes: (direction, chunk) => {
        this.activity++;
        const { packets, error } = captures[direction].feed(chunk);
        for (const { packet, bytes } of packets) this.pushPacket(connectionId, slot.label, direction, packet, bytes, bytes.length, version);
        if (error !== null) this.note(slot.label, msg('note.undecodable', { label: slot.label, message: error.message }));
      },
      error: (message) => {
        if (slot.connectionId === connectionId) slot.error = message;
        this.note(slot.label, msg('note.libraryError', { label: slot.label, message }));
      },
    };
    return this.remote.open(this.remote.url, tap);
  }

  private onBrokerEvent(event: BrokerEvent): void {
    this.activity++;
    if (event.type === 'connection-opened' && this.pendingLabel !== null) {
      this.connectionLabels.set(event.connectionId, this.pendingLabel);
      this.connectionVersions.set(event.connectionId, this.pendingVersion);
    }
    this.record.events.push(event);
    if (this.record.events.length > 20_000) this.record.events.splice(0, 5_000);
    if (event.type === 'packet') {
      const label = this.connectionLabels.get(event.connectionId) ?? null;
      const version = event.packet.type === 'CONNECT' ? event.packet.protocolLevel : (this.connectionVersions.get(event.connectionId) ?? 4);
      this.pushPacket(event.connectionId, label, event.direction === 'in' ? 'to-broker' : 'to-client', event.packet, event.bytes, event.bytes.length, version);
      return;
    }
    const text = eventMessage(event);
    if (text === null) return;
    const connectionId = 'connectionId' in event ? event.connectionId : null;
    let label = connectionId !== null ? (this.connectionLabels.get(connectionId) ?? null) : null;
    if (label === null && 'clientId' in event && event.clientId !== null) label = this.labelOfClientId(event.clientId);
    this.push({ kind: 'event', label, connectionId, direction: null, type: event.type, summary: text, hex: null, length: 0, version: 4 });
    this.changed();
  }

  private labelOfClientId(clientId: string): string | null {
    // The most recent open connection with that client id tells which lab client it is.
    const broker = this.broker;
    for (const connection of broker.connections.values()) {
      if (connection.clientId === clientId) return this.connectionLabels.get(connection.id) ?? null;
    }
    const matches = this.slots.filter((s) => s.config.clientId === clientId || s.assignedClientId === clientId);
    return matches.length === 1 ? matches[0]!.label : null;
  }

  private pushPacket(connectionId: string, label: string | null, direction: 'to-broker' | 'to-client', packet: Packet, bytes: Uint8Array, length: number, version: ProtocolVersion): void {
    this.push({
      kind: 'packet', label, connectionId, direction, type: packet.type, summary: summarizePacket(packet, version),
      hex: bytesToHex(bytes.length > 16_384 ? bytes.subarray(0, 16_384) : bytes), length, version,
    });
    this.changed();
  }

  private note(label: string | null, text: LabMessage): void {
    this.record.notes.push({ label, time: this.now(), text });
    this.push({ kind: 'note', label, connectionId: null, direction: null, type: 'note', summary: text, hex: null, length: 0, version: 4 });
    this.changed();
  }

  private push(entry: Omit<LogEntry, 'seq' | 'time'>): void {
    this.log.push({ seq: ++this.seq, time: this.now(), ...entry });
    if (this.log.length > this.maxLog) this.log.splice(0, this.log.length - this.maxLog);
  }

  private async waitFor(done: () => boolean, _what: string): Promise<void> {
    if (this.remote === null) {
      await this.settle();
      return;
    }
    const deadline = this.remote.now() + (this.init.remoteTimeoutMs ?? 10_000);
    while (!done() && this.remote.now() < deadline && !this.disposed) await this.remote.wait(50);
  }

  private changed(): void {
    this.changeVersion++;
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    queueMicrotask(() => {
      this.notifyScheduled = false;
      for (const listener of [...this.listeners]) listener();
    });
  }

  private viewOf(slot: Slot): LabClientView {
    return {
      label: slot.label, config: slot.config, status: slot.status, pinging: slot.pinging, connectionId: slot.connectionId, connections: slot.connections,
      sessionPresent: slot.sessionPresent, assignedClientId: slot.assignedClientId, error: slot.error, received: slot.received.slice(),
      subscriptions: [...slot.subscriptions.entries()].map(([filter, s]) => ({ filter, qos: s.qos, granted: s.granted })),
    };
  }

  /** The broker's next deadline and what it is, from a snapshot. */
  private nextDeadline(snapshot: BrokerSnapshot): Deadline | null {
    const time = this.broker.nextDeadline();
    if (time === null) return null;
    const who = (connectionId: string | null, clientId: string | null) => {
      const label = connectionId !== null ? this.connectionLabels.get(connectionId) : undefined;
      return label !== undefined ? `${label} (${clientId ?? connectionId})` : (clientId ?? connectionId ?? '?');
    };
    for (const c of snapshot.connections) {
      if (c.deadline !== time) continue;
      return c.state === 'awaiting-connect'
        ? { time, what: msg('deadline.noConnect', { who: who(c.connectionId, c.clientId) }) }
        : { time, what: msg('deadline.keepalive', { who: who(c.connectionId, c.clientId), keepalive: String(c.keepAlive) }) };
    }
    for (const s of snapshot.sessions) {
      if (s.pendingWill?.publishAt === time) return { time, what: msg('deadline.willDelay', { clientId: s.clientId }) };
      if (s.expiresAt === time) return { time, what: msg('deadline.session', { clientId: s.clientId }) };
      if (s.queue.some((q) => q.message.expiresAt === time)) return { time, what: msg('deadline.queued', { clientId: s.clientId }) };
    }
    const retained = snapshot.retained.find((m) => m.expiresAt === time);
    if (retained !== undefined) return { time, what: msg('deadline.retained', { topic: retained.topic }) };
    return { time, what: msg('deadline.other') };
  }
}

function minimum(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

function groupUserProperties(list: Array<[string, string]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of list) {
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[key] = [existing, value];
  }
  return out;
}

function flattenUserProperties(grouped: Record<string, string | string[]>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(grouped)) {
    if (Array.isArray(value)) for (const v of value) out.push([key, String(v)]);
    else out.push([key, String(value)]);
  }
  return out;
}

/** Which advice fits a refused CONNECT, for the codes a learner meets against real brokers (`lab.error.refused`). */
function connackHint(code: number): string {
  if (code === 0x04 || code === 0x86) return 'credentials';
  if (code === 0x05 || code === 0x87) return 'authorize';
  if (code === 0x02 || code === 0x85) return 'id';
  if (code === 0x01 || code === 0x84) return 'version';
  return 'none';
}

/**
 * A CONNACK code for the lab's messages, as `code` (hex) and `name`: 5.0 reason codes keep the
 * specification's names; a 3.1.1 return code (0–5, 3.1.1 Table 3.1) is named by a catalogue key
 * (`lab.connack4.N`), rendered in the page's language.
 */
export function describeConnackCode(code: number, version: 4 | 5): { code: string; name: string } {
  const hex = `0x${code.toString(16).padStart(2, '0')}`;
  if (version !== 5) return { code: hex, name: code <= 5 ? `lab.connack4.${code}` : 'lab.connack4.unknown' };
  const names: Record<number, string> = {
    0x80: 'Unspecified error', 0x81: 'Malformed Packet', 0x82: 'Protocol Error', 0x83: 'Implementation specific error', 0x84: 'Unsupported Protocol Version',
    0x85: 'Client Identifier not valid', 0x86: 'Bad User Name or Password', 0x87: 'Not authorized', 0x88: 'Server unavailable', 0x89: 'Server busy',
    0x8a: 'Banned', 0x8c: 'Bad authentication method', 0x90: 'Topic Name invalid', 0x95: 'Packet too large', 0x97: 'Quota exceeded',
    0x99: 'Payload format invalid', 0x9a: 'Retain not supported', 0x9b: 'QoS not supported', 0x9c: 'Use another server', 0x9d: 'Server moved',
    0x9f: 'Connection rate exceeded',
  };
  return { code: hex, name: names[code] ?? 'lab.connack5.unknown' };
}

export { NEVER, defaultConnectSpec };
