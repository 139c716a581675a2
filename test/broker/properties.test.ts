/**
 * Property tests: random interleavings of publishes, packet processing, network drops, clean
 * disconnects and reconnects, with persistent sessions on every side. The clients are modelled
 * properly: they re-send unacknowledged PUBLISH/PUBREL on reconnect, and a QoS 2 receiver keeps
 * packet ids from PUBLISH until PUBREL so that it hands each message to the application once.
 * Packets a client had not processed when its connection dropped are lost, as on a real network.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Packet, ProtocolVersion, PublishPacket, QoS } from '../../src/mqtt/codec/index.ts';
import { setup, str, text, type FakeClient, type TestBed } from './helpers.ts';

interface AppMessage { publisher: string; seq: number; qos: QoS }
interface Delivery { publisher: string; seq: number; qos: QoS }

class ModelClient {
  readonly id: string;
  readonly version: ProtocolVersion;
  readonly receiveMaximum: number;
  connection: FakeClient | null = null;
  // Publishing side.
  outbox: AppMessage[] = [];
  readonly inflight = new Map<number, { message: AppMessage; state: 'publish' | 'pubrel' }>();
  private lastId = 0;
  private quota = Infinity;
  // Receiving side.
  readonly awaitingRelease = new Set<number>();
  readonly delivered: Delivery[] = [];

  constructor(id: string, version: ProtocolVersion, receiveMaximum: number) {
    this.id = id;
    this.version = version;
    this.receiveMaximum = receiveMaximum;
  }

  get online(): boolean {
    return this.connection !== null && !this.connection.closed;
  }

  connect(bed: TestBed): void {
    if (this.online) return;
    const client = bed.client(this.version);
    const connack = client.connect({
      clientId: this.id, cleanSession: false,
      ...(this.version === 5 ? { properties: { sessionExpiryInterval: 0xffffffff, receiveMaximum: this.receiveMaximum } } : {}),
    });
    expect(connack.reasonCode).toBe(0);
    this.connection = client;
    if (!connack.sessionPresent) {
      // No server session: nothing can be in flight (this only happens on the very first connect).
      expect(this.inflight.size + this.awaitingRelease.size).toBe(0);
    }
    this.quota = this.version === 5 ? (connack.properties?.receiveMaximum ?? 0xffff) : Infinity;
    // MQTT-4.4.0-1: re-send unacknowledged PUBLISH (DUP) and PUBREL, in order.
    for (const [packetId, entry] of this.inflight) {
      if (entry.state === 'pubrel') client.send({ type: 'PUBREL', packetId });
      else client.send(this.publishPacket(entry.message, packetId, true));
    }
    this.flush();
  }

  publish(message: AppMessage): void {
    this.outbox.push(message);
    this.flush();
  }

  private flush(): void {
    while (this.online && this.outbox.length > 0) {
      const message = this.outbox[0]!;
      if (message.qos === 0) {
        this.outbox.shift();
        this.connection!.send(this.publishPacket(message, undefined, false));
        continue;
      }
      if (this.inflight.size >= this.quota) return;
      this.outbox.shift();
      let id = this.lastId;
      do id = id === 0xffff ? 1 : id + 1; while (this.inflight.has(id));
      this.lastId = id;
      this.inflight.set(id, { message, state: 'publish' });
      this.connection!.send(this.publishPacket(message, id, false));
    }
  }

  private publishPacket(message: AppMessage, packetId: number | undefined, dup: boolean): PublishPacket {
    const packet: PublishPacket = { type: 'PUBLISH', dup, qos: message.qos, retain: false, topic: `data/${message.publisher}`, payload: text(`${message.publisher}:${message.seq}`) };
    if (packetId !== undefined) packet.packetId = packetId;
    return packet;
  }

  /** Handles up to `count` received packets; returns how many it handled. */
  process(count: number): number {
    let handled = 0;
    while (handled < count && this.connection !== null && this.connection.inbox.length > 0) {
      const packet = this.connection.inbox.shift()!;
      handled++;
      this.handle(packet);
    }
    this.flush();
    return handled;
  }

  private handle(packet: Packet): void {
    const connection = this.connection!;
    switch (packet.type) {
      case 'PUBLISH': {
        const [publisher, seq] = str(packet.payload).split(':');
        const delivery = { publisher: publisher!, seq: Number(seq), qos: packet.qos };
        if (packet.qos === 0) this.delivered.push(delivery);
        if (packet.qos === 1) {
          this.delivered.push(delivery);
          connection.send({ type: 'PUBACK', packetId: packet.packetId! });
        }
        if (packet.qos === 2) {
          // Deliver on first sight, remember the id until PUBREL: exactly once.
          if (!this.awaitingRelease.has(packet.packetId!)) {
            this.awaitingRelease.add(packet.packetId!);
            this.delivered.push(delivery);
          }
          connection.send({ type: 'PUBREC', packetId: packet.packetId! });
        }
        break;
      }
      case 'PUBREL':
        this.awaitingRelease.delete(packet.packetId);
        connection.send({ type: 'PUBCOMP', packetId: packet.packetId });
        break;
      case 'PUBACK':
        if (this.inflight.get(packet.packetId)?.message.qos === 1) this.inflight.delete(packet.packetId);
        break;
      case 'PUBREC': {
        const entry = this.inflight.get(packet.packetId);
        if (entry !== undefined && entry.message.qos === 2) {
          entry.state = 'pubrel';
          connection.send({ type: 'PUBREL', packetId: packet.packetId });
        }
        break;
      }
      case 'PUBCOMP':
        if (this.inflight.get(packet.packetId)?.state === 'pubrel') this.inflight.delete(packet.packetId);
        break;
      default:
        break;
    }
  }

  /** The network goes: whatever was not processed yet is lost. */
  drop(): void {
    if (this.connection === null) return;
    this.connection.inbox = [];
    this.connection.drop();
    this.connection = null;
  }

  disconnect(): void {
    if (this.connection === null) return;
    this.connection.inbox = [];
    if (!this.connection.closed) this.connection.disconnect();
    this.connection = null;
  }
}

type Action =
  | { kind: 'publish'; who: number; qos: QoS }
  | { kind: 'process'; who: number; count: number }
  | { kind: 'drop'; who: number }
  | { kind: 'disconnect'; who: number }
  | { kind: 'reconnect'; who: number };

/** Clients: 0 = subscriber, 1 and 2 = publishers. */
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('publish' as const), who: fc.constantFrom(1, 2), qos: fc.constantFrom<QoS>(0, 1, 2) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('process' as const), who: fc.integer({ min: 0, max: 2 }), count: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), who: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('disconnect' as const), who: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reconnect' as const), who: fc.integer({ min: 0, max: 2 }) }) },
);

const scenario = fc.record({
  versions: fc.tuple(fc.constantFrom<ProtocolVersion>(4, 5), fc.constantFrom<ProtocolVersion>(4, 5), fc.constantFrom<ProtocolVersion>(4, 5)),
  receiveMaximum: fc.integer({ min: 1, max: 4 }),
  maxInflight: fc.integer({ min: 1, max: 5 }),
  actions: fc.array(action, { minLength: 5, maxLength: 150, size: 'large' }),
});

interface Scenario { versions: [ProtocolVersion, ProtocolVersion, ProtocolVersion]; receiveMaximum: number; maxInflight: number; actions: Action[] }

function run({ versions, receiveMaximum, maxInflight, actions }: Scenario, observe?: (bed: TestBed) => void) {
  const bed = setup({ maxInflightMessages: maxInflight });
  observe?.(bed);
  const clients = [new ModelClient('subscriber', versions[0], receiveMaximum), new ModelClient('pub-a', versions[1], 0xffff), new ModelClient('pub-b', versions[2], 0xffff)];
  const subscriber = clients[0]!;
  subscriber.connect(bed);
  subscriber.connection!.subscribe('data/#', 2);
  for (const client of clients.slice(1)) client.connect(bed);
  const published: AppMessage[] = [];
  const seq = new Map<string, number>();

  for (const step of actions) {
    const client = clients[step.who]!;
    if (step.kind === 'publish') {
      const n = (seq.get(client.id) ?? 0) + 1;
      seq.set(client.id, n);
      const message = { publisher: client.id, seq: n, qos: step.qos };
      published.push(message);
      client.publish(message);
    } else if (step.kind === 'process') {
      client.process(step.count);
    } else if (step.kind === 'drop') {
      client.drop();
    } else if (step.kind === 'disconnect') {
      client.disconnect();
    } else {
      client.connect(bed);
    }
    for (const c of clients) if (c.connection?.closed === true) c.drop();
  }

  // Settle: everyone back online, process everything until nothing moves.
  for (let round = 0; round < 1000; round++) {
    for (const c of clients) c.connect(bed);
    const moved = clients.reduce((sum, c) => sum + c.process(Infinity), 0);
    if (moved === 0) break;
  }
  return { bed, clients, subscriber, published };
}

describe('delivery guarantees under random drops and reconnects', () => {
  it('loses no QoS 1/2 message, delivers QoS 2 exactly once and QoS 0 at most once, in order per publisher and QoS', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const { subscriber, published, clients, bed } = run(input);
        const count = (m: AppMessage) => subscriber.delivered.filter((d) => d.publisher === m.publisher && d.seq === m.seq).length;
        for (const message of published) {
          const n = count(message);
          if (message.qos === 2) expect(n, `QoS 2 ${message.publisher}:${message.seq}`).toBe(1);
          if (message.qos === 1) expect(n, `QoS 1 ${message.publisher}:${message.seq}`).toBeGreaterThanOrEqual(1);
          if (message.qos === 0) expect(n, `QoS 0 ${message.publisher}:${message.seq}`).toBeLessThanOrEqual(1);
        }
        // Order: first deliveries of each publisher's messages of one QoS come in publish order.
        for (const publisher of ['pub-a', 'pub-b']) {
          for (const qos of [1, 2] as QoS[]) {
            const firsts: number[] = [];
            for (const d of subscriber.delivered) if (d.publisher === publisher && d.qos === qos && !firsts.includes(d.seq)) firsts.push(d.seq);
            expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
          }
        }
        // Everything settled: nothing left in flight anywhere.
        for (const c of clients) expect(c.inflight.size + c.outbox.length).toBe(0);
        for (const session of bed.broker.inspect().sessions) {
          expect(session.inflightOut).toEqual([]);
          expect(session.queue).toEqual([]);
          expect(session.inflightIn).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never has more QoS 1/2 messages in flight to a client than its Receive Maximum or our maximum (MQTT-3.3.4-9)', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const limit = Math.min(input.maxInflight, input.versions[0] === 5 ? input.receiveMaximum : Infinity);
        let highest = 0;
        run(input, (bed) => {
          bed.broker.events.on('packet', (event) => {
            if (event.direction !== 'out' || event.packet.type !== 'PUBLISH' || event.clientId !== 'subscriber' || event.packet.qos === 0) return;
            highest = Math.max(highest, bed.broker.sessions.get('subscriber')!.inflightOut.size);
          });
        });
        expect(highest).toBeLessThanOrEqual(limit);
      }),
      { numRuns: 100 },
    );
  });

  it('is deterministic: the same scenario produces the same bytes and the same log', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const log = (bed: TestBed) => bed.events.map((e) => JSON.stringify(e, (_k, v) => (v instanceof Uint8Array ? Array.from(v) : v)));
        const first = log(run(input).bed);
        const second = log(run(input).bed);
        expect(second).toEqual(first);
      }),
      { numRuns: 50 },
    );
  });
});
