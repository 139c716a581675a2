/**
 * The in-memory MQTT broker: 3.1, 3.1.1 and 5.0 clients on one broker, no I/O of its own. A host
 * (Node listener, in-page transport, test) accepts connections, feeds their bytes in, passes the
 * broker's bytes on, and calls `tick()` when time has moved. The broker reads time only from the
 * clock it was given and names things only with the id source it was given, so the same inputs
 * always produce the same bytes and the same event log.
 *
 *   const broker = new Broker({ clock: { now: () => Date.now() }, ids });
 *   const connection = broker.accept({ send: (b) => socket.write(b), close: () => socket.end() });
 *   socket.on('data', (b) => connection.receive(b));
 *   socket.on('close', () => connection.drop());
 *   setInterval(() => broker.tick(), 250);
 */
import type { Properties, QoS } from '../codec/index.ts';
import { SubscriptionIndex } from '../topics/index.ts';
import { BrokerConnection } from './connection.ts';
import type { BrokerCore } from './core.ts';
import { dispatch as dispatchPacket } from './dispatch.ts';
import { offer, pump } from './delivery.ts';
import { Emitter } from './emitter.ts';
import { isExpired, snapshotMessage, type Delivery, type Message } from './message.ts';
import { RetainedStore } from './retained-store.ts';
import { releasePendingWill, willAfterClose } from './will.ts';
import { NEVER_EXPIRES, Session, type SubscriptionRecord } from './session.ts';
import type {
  BrokerEvent, BrokerEventMap, BrokerEventType, BrokerInit, BrokerSnapshot, Clock, CloseCause, ConnectionHost, ConnectionMeta, ConnectionSink, IdSource,
  MessageDroppedEvent, ResolvedBrokerOptions, SessionSnapshot,
} from './types.ts';
import type { Packet } from '../codec/index.ts';

/** Members of one `$share/{group}/{filter}`, served round robin. */
export interface SharedGroup {
  /** The whole filter as subscribed: `$share/{group}/{filter}`. */
  readonly key: string;
  readonly group: string;
  readonly filter: string;
  /** Client ids in the order they joined. */
  readonly members: string[];
  /** Index of the member to try first next time. */
  next: number;
}

/** What a host may publish directly (e.g. a "server says" button, or $SYS-style status). */
export interface HostPublish {
  topic: string;
  payload?: Uint8Array | string;
  qos?: QoS;
  retain?: boolean;
  properties?: Properties;
}

const DEFAULTS: ResolvedBrokerOptions = {
  protocolVersions: [3, 4, 5],
  queueQos0Messages: false,
  maxQueuedMessages: 1000,
  maxInflightMessages: 20,
  receiveMaximum: 20,
  topicAliasMaximum: 10,
  maximumPacketSize: 268_435_460,
  maximumQoS: 2,
  retainAvailable: true,
  wildcardSubscriptionAvailable: true,
  subscriptionIdentifiersAvailable: true,
  sharedSubscriptionAvailable: true,
  connectTimeout: 10_000,
};

export class Broker implements BrokerCore, ConnectionHost<BrokerConnection> {
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly options: ResolvedBrokerOptions;
  readonly events = new Emitter<BrokerEventMap>();
  /** @internal Open connections (awaiting CONNECT or connected), in the order accepted. */
  readonly connections = new Map<string, BrokerConnection>();
  /** @internal Sessions by client id, in the order created. */
  readonly sessions = new Map<string, Session>();
  /** @internal */
  readonly retained = new RetainedStore();
  /** @internal Ordinary subscriptions: filter → client id → record. */
  readonly subscriptionIndex = new SubscriptionIndex<SubscriptionRecord>();
  /** @internal Shared subscriptions: inner filter → group name → group. */
  readonly sharedIndex = new SubscriptionIndex<SharedGroup>();
  /** @internal By the full `$share/{group}/{filter}` string. */
  readonly sharedGroups = new Map<string, SharedGroup>();
  private messageSequence = 0;
  private readonly work: Array<() => void> = [];
  private running = false;
  private stopped = false;

  constructor(init: BrokerInit) {
    this.clock = init.clock;
    this.ids = init.ids;
    this.options = { ...DEFAULTS, ...stripUndefined(init.options ?? {}) } as ResolvedBrokerOptions;
  }

  /** A new network connection. Feed it with `receive`, report its end with `drop`. */
  accept(sink: ConnectionSink, meta: ConnectionMeta = {}): BrokerConnection {
    const connection = new BrokerConnection(this, this.ids.next('c'), sink, meta, this.clock.now());
    if (this.stopped) {
      connection.state = 'closed';
      sink.close();
      return connection;
    }
    this.connections.set(connection.id, connection);
    if (this.events.wants('connection-opened')) {
      this.events.emit({ type: 'connection-opened', time: this.clock.now(), connectionId: connection.id, ...meta });
    }
    return connection;
  }

  /**
   * Does whatever is due at `clock.now()`: keepalive expiry (3.1.1 MQTT-3.1.2-24, 5.0
   * MQTT-3.1.2-22), CONNECT timeouts, delayed wills, session expiry, message expiry.
   */
  tick(): void {
    this.run(() => this.onTick());
  }

  /** The earliest time at which `tick()` has something to do, or null. A host may sleep until then. */
  nextDeadline(): number | null {
    let next: number | null = null;
    const consider = (t: number | null | undefined) => {
      if (t !== null && t !== undefined && (next === null || t < next)) next = t;
    };
    for (const connection of this.connections.values()) consider(connection.deadline());
    for (const session of this.sessions.values()) {
      consider(session.pendingWill?.publishAt);
      consider(session.expiresAt());
      for (const delivery of session.queue) consider(delivery.message.expiresAt);
    }
    consider(this.retained.nextExpiry());
    return next;
  }

  /** Publishes as the broker itself (no client, no No Local). Throws for an invalid topic name. */
  publish(input: HostPublish): void {
    if (input.topic === '' || input.topic.includes('+') || input.topic.includes('#') || input.topic.includes('\u0000')) {
      throw new RangeError(`${JSON.stringify(input.topic)} is not a valid topic name (MQTT-4.7.3-1, MQTT-4.7.1-1, MQTT-4.7.3-2)`);
    }
    this.run(() => {
      const payload = typeof input.payload === 'string' ? new TextEncoder().encode(input.payload) : (input.payload ?? new Uint8Array(0));
      const now = this.clock.now();
      const interval = input.properties?.messageExpiryInterval;
      const message: Message = {
        id: this.nextMessageId(), topic: input.topic, payload: payload.slice(), qos: input.qos ?? 0, retain: input.retain ?? false,
        properties: input.properties, expiresAt: interval === undefined ? undefined : now + interval * 1000, receivedAt: now, publisherClientId: null,
      };
      this.route(message);
    });
  }

  /** Shuts down: 5.0 clients get DISCONNECT 0x8B (Server shutting down), every connection is closed. Wills are not published. */
  close(): void {
    this.run(() => {
      this.stopped = true;
      for (const connection of [...this.connections.values()]) {
        connection.will = null;
        connection.close('shutdown', 'the server is shutting down', 0x8b);
      }
    });
  }

  /** A plain copy of the state for display. */
  inspect(): BrokerSnapshot {
    const now = this.clock.now();
    const sessions: SessionSnapshot[] = [];
    for (const session of this.sessions.values()) {
      const deliverySnapshot = (d: Delivery) => ({ message: snapshotMessage(d.message), qos: d.qos, retain: d.retain, subscriptionIdentifiers: d.subscriptionIdentifiers?.slice() ?? [] });
      sessions.push({
        clientId: session.clientId,
        online: session.connection !== null,
        connectionId: session.connection?.id ?? null,
        protocolVersion: session.protocolVersion,
        expiryInterval: session.expiryInterval,
        expiresAt: session.expiresAt(),
        subscriptions: [...session.subscriptions.values()].map((s) => ({
          filter: s.filter, qos: s.qos, noLocal: s.noLocal, retainAsPublished: s.retainAsPublished, retainHandling: s.retainHandling,
          subscriptionIdentifier: s.subscriptionIdentifier ?? null, shareGroup: s.share?.group ?? null,
        })),
        queue: session.queue.map(deliverySnapshot),
        inflightOut: [...session.inflightOut.values()].map((d) => ({
          ...deliverySnapshot(d), packetId: d.packetId,
          awaiting: d.state === 'pubrel' ? 'PUBCOMP' as const : d.qos === 1 ? 'PUBACK' as const : 'PUBREC' as const,
        })),
        inflightIn: [...session.inflightIn.entries()].map(([packetId, m]) => ({ packetId, message: m === null ? null : snapshotMessage(m) })),
        pendingWill: session.pendingWill === null ? null : {
          topic: session.pendingWill.will.topic, qos: session.pendingWill.will.qos, retain: session.pendingWill.will.retain, publishAt: session.pendingWill.publishAt,
        },
      });
    }
    return {
      time: now,
      connections: [...this.connections.values()].map((c) => c.snapshot()),
      sessions,
      retained: [...this.retained.values()].map(snapshotMessage),
      sharedSubscriptions: [...this.sharedGroups.values()].map((g) => ({ group: g.group, filter: g.filter, members: g.members.slice(), next: g.next })),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Internals used by connections and handlers.

  /**
   * @internal Runs `task` now, or after the current one if the broker is already busy. A host may
   * call back into the broker from inside `sink.send` (an in-memory client answering at once);
   * this keeps every packet's handling whole and in arrival order.
   */
  run(task: () => void): void {
    this.work.push(task);
    if (this.running) return;
    this.running = true;
    let failure: unknown = null;
    try {
      while (this.work.length > 0) {
        const next = this.work.shift()!;
        try {
          next();
        } catch (error) {
          failure ??= error;
        }
      }
    } finally {
      this.running = false;
    }
    if (failure !== null) throw failure;
  }

  /** @internal A decoded packet from one of our connections, to its handler. */
  dispatch(connection: BrokerConnection, packet: Packet): void {
    dispatchPacket(this, connection, packet);
  }

  /** @internal */
  connectionById(id: string): BrokerConnection | undefined {
    return this.connections.get(id);
  }

  /** @internal */
  nextMessageId(): number {
    return ++this.messageSequence;
  }

  /**
   * @internal Takes ownership of an Application Message: updates the retained store, then gives a
   * copy to every matching subscription (3.1.1 MQTT-4.5.0-1). Returns how many copies went out.
   */
  route(message: Message): number {
    if (message.retain) {
      const now = this.clock.now();
      if (message.payload.length === 0) {
        // 3.1.1 MQTT-3.3.1-10/-11, 5.0 MQTT-3.3.1-6/-7: an empty retained message clears, and is not stored.
        if (this.retained.delete(message.topic)) this.emit({ type: 'retained-cleared', time: now, topic: message.topic, clientId: message.publisherClientId, why: 'empty-payload' });
      } else {
        this.retained.set(message);
        this.emit({ type: 'retained-set', time: now, topic: message.topic, clientId: message.publisherClientId, qos: message.qos, payloadLength: message.payload.length });
      }
    }
    const targets: Target[] = [];
    // 5.0 sessions already given a target for this message, when several of their subscriptions
    // match (built only then: most messages match one subscription per client).
    let byV5Session: Map<Session, Target> | null = null;
    for (const match of this.subscriptionIndex.match(message.topic)) {
      const subscription = match.value;
      // 5.0 MQTT-3.8.3-3: No Local — not back to the connection's own client id.
      if (subscription.noLocal && subscription.clientId === message.publisherClientId) continue;
      const session = this.sessions.get(subscription.clientId);
      if (session === undefined) continue;
      const target: Target = {
        session, qos: subscription.qos, retainAsPublished: subscription.retainAsPublished,
        ids: subscription.subscriptionIdentifier === undefined ? undefined : [subscription.subscriptionIdentifier], shareKey: undefined,
      };
      if (session.protocolVersion === 5) {
        // 5.0 MQTT-3.3.4-2/-4: overlapping subscriptions of one client get one copy, at the
        // highest QoS granted, carrying every matching Subscription Identifier (as mosquitto 2.0.20,
        // EMQX, HiveMQ). 3.1.1 keeps one copy per subscription (MQTT-3.3.5-1 allows both).
        if (byV5Session === null) {
          byV5Session = new Map();
          for (const t of targets) if (t.session.protocolVersion === 5) byV5Session.set(t.session, t);
        }
        const earlier = byV5Session.get(session);
        if (earlier !== undefined) {
          if (target.qos > earlier.qos) earlier.qos = target.qos;
          earlier.retainAsPublished ||= target.retainAsPublished;
          if (target.ids !== undefined) (earlier.ids ??= []).push(...target.ids);
          continue;
        }
        byV5Session.set(session, target);
      }
      targets.push(target);
    }
    for (const match of this.sharedIndex.match(message.topic)) {
      const chosen = this.chooseSharedMember(match.value);
      if (chosen !== null) targets.push(sharedTarget(chosen.session, chosen.subscription));
    }
    // Built only when someone listens: this runs for every message.
    if (this.events.wants('message-published')) {
      this.events.emit({
        type: 'message-published', time: this.clock.now(), clientId: message.publisherClientId, topic: message.topic, qos: message.qos,
        retain: message.retain, payloadLength: message.payload.length, messageId: message.id, matched: targets.length,
      });
    }
    for (const target of targets) {
      const session = target.session;
      const delivery: Delivery = {
        message,
        // 3.1.1 MQTT-3.8.4-6, 5.0 MQTT-3.8.4-8: the lower of the published QoS and the granted QoS.
        qos: Math.min(message.qos, target.qos) as QoS,
        // 3.1.1 MQTT-3.3.1-9: RETAIN 0 to established subscriptions; 5.0 MQTT-3.3.1-12/-13: unless Retain As Published.
        retain: target.retainAsPublished && session.protocolVersion === 5 ? message.retain : false,
        subscriptionIdentifiers: target.ids,
      };
      offer(this, session, target.shareKey === undefined ? delivery : { ...delivery, shareKey: target.shareKey });
    }
    return targets.length;
  }

  /**
   * A shared-subscription member's session has ended with messages it had not acknowledged or
   * not yet been sent: each goes to another member of its group (5.0 MQTT-4.8.2-5 and the
   * non-normative text after it: "the Server SHOULD send the Application Message to another
   * Client that is subscribed to the same Shared Subscription").
   */
  private handOnShared(deliveries: Delivery[]): void {
    for (const delivery of deliveries) {
      const group = this.sharedGroups.get(delivery.shareKey!);
      const chosen = group === undefined ? null : this.chooseSharedMember(group);
      if (chosen === null) {
        this.emitDropped(null, delivery.message, delivery.qos, 'session-ended');
        continue;
      }
      const target = sharedTarget(chosen.session, chosen.subscription);
      offer(this, chosen.session, {
        message: delivery.message,
        qos: Math.min(delivery.message.qos, target.qos) as QoS,
        retain: target.retainAsPublished && chosen.session.protocolVersion === 5 ? delivery.message.retain : false,
        subscriptionIdentifiers: target.ids,
        shareKey: target.shareKey,
      });
    }
  }

  /**
   * Round robin over the group's members, preferring one that is online; if none is, the next in
   * turn gets it queued in its session (5.0 §4.8.2).
   */
  private chooseSharedMember(group: SharedGroup): { session: Session; subscription: SubscriptionRecord } | null {
    const count = group.members.length;
    if (count === 0) return null;
    let fallback: number | null = null;
    for (let i = 0; i < count; i++) {
      const index = (group.next + i) % count;
      const session = this.sessions.get(group.members[index]!);
      if (session === undefined) continue;
      fallback ??= index;
      if (session.connection !== null && session.connection.isOpen) {
        group.next = (index + 1) % count;
        return { session, subscription: session.subscriptions.get(group.key)! };
      }
    }
    if (fallback === null) return null;
    group.next = (fallback + 1) % count;
    const session = this.sessions.get(group.members[fallback]!)!;
    return { session, subscription: session.subscriptions.get(group.key)! };
  }

  /** @internal Adds or replaces a subscription in the session and the indexes. Returns true if it replaced one. */
  addSubscription(session: Session, record: SubscriptionRecord): boolean {
    const existing = session.subscriptions.get(record.filter);
    session.subscriptions.set(record.filter, record);
    if (record.share === undefined) {
      this.subscriptionIndex.add(record.filter, session.clientId, record);
    } else {
      let group = this.sharedGroups.get(record.filter);
      if (group === undefined) {
        group = { key: record.filter, group: record.share.group, filter: record.share.filter, members: [], next: 0 };
        this.sharedGroups.set(record.filter, group);
        this.sharedIndex.add(record.share.filter, record.share.group, group);
      }
      if (!group.members.includes(session.clientId)) group.members.push(session.clientId);
    }
    this.emit({ type: existing === undefined ? 'subscription-added' : 'subscription-replaced', time: this.clock.now(), clientId: session.clientId, filter: record.filter, qos: record.qos });
    return existing !== undefined;
  }

  /** @internal Removes a subscription by its exact filter string. Returns true if there was one. */
  removeSubscription(session: Session, filter: string): boolean {
    const record = session.subscriptions.get(filter);
    if (record === undefined) return false;
    session.subscriptions.delete(filter);
    if (record.share === undefined) {
      this.subscriptionIndex.remove(filter, session.clientId);
    } else {
      const group = this.sharedGroups.get(filter);
      if (group !== undefined) {
        const at = group.members.indexOf(session.clientId);
        if (at !== -1) {
          group.members.splice(at, 1);
          if (group.next > at) group.next--;
          if (group.next >= group.members.length) group.next = 0;
        }
        if (group.members.length === 0) {
          this.sharedGroups.delete(filter);
          this.sharedIndex.remove(group.filter, group.group);
        }
      }
    }
    this.emit({ type: 'subscription-removed', time: this.clock.now(), clientId: session.clientId, filter, qos: record.qos });
    return true;
  }

  /** @internal A new session for a client id (none must exist). */
  createSession(clientId: string, connection: BrokerConnection, expiryInterval: number): Session {
    const session = new Session(clientId, connection.version, expiryInterval);
    this.sessions.set(clientId, session);
    this.emit({ type: 'session-created', time: this.clock.now(), clientId, expiryInterval });
    return session;
  }

  /**
   * @internal Ends a session: its will goes out if one was waiting (the session ending comes before
   * the delay, 5.0 MQTT-3.1.2-8), its subscriptions and messages are gone.
   */
  endSession(session: Session, why: 'session-expired' | 'session-discarded'): void {
    if (this.sessions.get(session.clientId) !== session) return;
    releasePendingWill(this, session);
    // Messages that came through a shared subscription and have not reached the client: QoS 1
    // unacknowledged, QoS 2 before its PUBREC (after it the client has the message), and queued.
    const handOn: Delivery[] = [];
    for (const entry of session.inflightOut.values()) if (entry.shareKey !== undefined && entry.state === 'publish') handOn.push(entry);
    for (const delivery of session.queue) if (delivery.shareKey !== undefined && delivery.qos > 0) handOn.push(delivery);
    for (const filter of [...session.subscriptions.keys()]) this.removeSubscription(session, filter);
    this.sessions.delete(session.clientId);
    const now = this.clock.now();
    if (this.events.wants('message-dropped')) {
      for (const delivery of session.queue) if (!handOn.includes(delivery)) this.emitDropped(session.clientId, delivery.message, delivery.qos, 'session-ended');
    }
    session.queue = [];
    session.inflightOut.clear();
    session.inflightIn.clear();
    this.emit({ type: why, time: now, clientId: session.clientId });
    if (handOn.length > 0) this.handOnShared(handOn);
  }

  /**
   * @internal After a connection has closed, for whatever cause: detach it from its session,
   * publish or schedule its will, end the session if its expiry is 0.
   */
  connectionClosed(connection: BrokerConnection, cause: CloseCause, reason: string): void {
    this.connections.delete(connection.id);
    const now = this.clock.now();
    this.emit({ type: 'client-disconnected', time: now, connectionId: connection.id, clientId: connection.clientId, cause, reason });
    const session = connection.session;
    const will = connection.will;
    connection.will = null;
    if (session === null || session.connection !== connection) return;
    session.connection = null;
    session.disconnectedAt = now;
    // 3.1.1 MQTT-3.1.2-8: the network connection closed without a DISCONNECT that discarded the will.
    if (will !== null) willAfterClose(this, session, will, connection.version === 5 ? (will.properties?.willDelayInterval ?? 0) : 0);
    // 3.1.1 MQTT-3.1.2-6 (Clean Session 1) and 5.0 Session Expiry Interval 0: the session ends with the connection.
    if (session.expiryInterval === 0) this.endSession(session, 'session-expired');
  }

  private onTick(): void {
    const now = this.clock.now();
    for (const connection of [...this.connections.values()]) {
      const deadline = connection.deadline();
      if (deadline === null || now < deadline) continue;
      if (connection.state === 'awaiting-connect') {
        connection.close('connect-timeout', `no CONNECT within ${this.options.connectTimeout} ms`);
      } else {
        this.emit({ type: 'keepalive-expired', time: now, connectionId: connection.id, clientId: connection.clientId, keepAlive: connection.keepAlive });
        // 3.1.1 MQTT-3.1.2-24 / 5.0 MQTT-3.1.2-22: closed as if the network had failed, so the will goes out; 5.0 is told 0x8D.
        connection.close('keepalive', `no packet within 1.5 × the keepalive of ${connection.keepAlive} s`, 0x8d);
      }
    }
    for (const session of [...this.sessions.values()]) {
      if (session.pendingWill !== null && now >= session.pendingWill.publishAt) releasePendingWill(this, session);
      const expiresAt = session.expiresAt();
      // 5.0 MQTT-4.1.0-2: discard the session once its expiry interval has passed.
      if (expiresAt !== null && now >= expiresAt) {
        this.endSession(session, 'session-expired');
        continue;
      }
      if (session.queue.some((d) => isExpired(d.message, now))) {
        const kept: Delivery[] = [];
        for (const delivery of session.queue) {
          if (isExpired(delivery.message, now)) this.emitDropped(session.clientId, delivery.message, delivery.qos, 'expired');
          else kept.push(delivery);
        }
        session.queue = kept;
        pump(this, session);
      }
    }
    for (const message of this.retained.purgeExpired(now)) {
      this.emit({ type: 'retained-cleared', time: now, topic: message.topic, clientId: message.publisherClientId, why: 'expired' });
    }
  }

  // -------------------------------------------------------------------------------------------
  // Event helpers.

  /** @internal */
  wants(type: BrokerEventType): boolean {
    return this.events.wants(type);
  }

  /** @internal */
  emit(event: BrokerEvent): void {
    if (this.events.wants(event.type)) this.events.emit(event as never);
  }



  /** @internal */
  emitDropped(clientId: string | null, message: Message, qos: QoS, why: MessageDroppedEvent['why']): void {
    this.emit({ type: 'message-dropped', time: this.clock.now(), clientId, topic: message.topic, qos, messageId: message.id, why });
  }

  /** @internal */
  emitQueued(session: Session, delivery: Delivery, why: 'offline' | 'inflight-window-full'): void {
    this.emit({ type: 'message-queued', time: this.clock.now(), clientId: session.clientId, topic: delivery.message.topic, qos: delivery.qos, messageId: delivery.message.id, queued: session.queue.length, why });
  }






}

export { NEVER_EXPIRES };

/** One copy of a message on its way to one session, before the QoS is capped by the message's. */
interface Target {
  session: Session;
  qos: QoS;
  retainAsPublished: boolean;
  ids: number[] | undefined;
  shareKey: string | undefined;
}

function sharedTarget(session: Session, subscription: SubscriptionRecord): Target {
  return {
    session, qos: subscription.qos, retainAsPublished: subscription.retainAsPublished,
    ids: subscription.subscriptionIdentifier === undefined ? undefined : [subscription.subscriptionIdentifier], shareKey: subscription.filter,
  };
}

function stripUndefined<T extends object>(object: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(object) as Array<keyof T>) if (object[key] !== undefined) out[key] = object[key];
  return out;
}
