/**
 * Drives the in-memory broker with raw packets: a fake client encodes packets into
 * `connection.receive`, and decodes whatever the broker sends back. Time is a manual clock.
 */
import { expect } from 'vitest';
import {
  Broker, createManualClock, sequentialIds, type BrokerEvent, type BrokerEventType, type BrokerOptions, type ManualClock,
} from '../../src/mqtt/broker/index.ts';
import type { BrokerConnection } from '../../src/mqtt/broker/connection.ts';
import {
  bytesToHex, encodePacket, StreamDecoder, type ConnackPacket, type ConnectPacket, type Packet, type Properties, type ProtocolVersion,
  type PublishPacket, type QoS, type SubackPacket, type Subscription,
} from '../../src/mqtt/codec/index.ts';

export const text = (s: string) => new TextEncoder().encode(s);
export const str = (b: Uint8Array) => new TextDecoder().decode(b);
export const hex = bytesToHex;

export interface TestBed {
  broker: Broker;
  clock: ManualClock;
  events: BrokerEvent[];
  client(version?: ProtocolVersion): FakeClient;
  /** Moves the clock in steps of `step` ms (like a host's interval timer), ticking at each. */
  advance(ms: number, step?: number): void;
  eventsOf<T extends BrokerEventType>(type: T): Array<Extract<BrokerEvent, { type: T }>>;
}

export function setup(options: BrokerOptions = {}): TestBed {
  const clock = createManualClock(1_000_000);
  const broker = new Broker({ clock, ids: sequentialIds(), options });
  const events: BrokerEvent[] = [];
  broker.events.onAny((event) => events.push(event));
  return {
    broker,
    clock,
    events,
    client: (version: ProtocolVersion = 4) => new FakeClient(broker, version),
    advance(ms: number, step = 250) {
      let left = ms;
      while (left > 0) {
        const dt = Math.min(step, left);
        clock.advance(dt);
        broker.tick();
        left -= dt;
      }
    },
    eventsOf: <T extends BrokerEventType>(type: T) => events.filter((e): e is Extract<BrokerEvent, { type: T }> => e.type === type),
  };
}

export class FakeClient {
  readonly version: ProtocolVersion;
  readonly connection: BrokerConnection;
  inbox: Packet[] = [];
  /** Every byte chunk the broker sent, as hex. */
  readonly wire: string[] = [];
  closed = false;
  private readonly decoder: StreamDecoder;

  constructor(broker: Broker, version: ProtocolVersion) {
    this.version = version;
    this.decoder = new StreamDecoder({ protocolVersion: version });
    this.connection = broker.accept({
      send: (bytes) => {
        this.wire.push(hex(bytes));
        for (const decoded of this.decoder.push(bytes)) this.inbox.push(decoded.packet);
      },
      close: () => {
        this.closed = true;
      },
    }, { transport: 'test' });
  }

  send(packet: Packet): void {
    this.connection.receive(encodePacket(packet, { protocolVersion: this.version }));
  }

  raw(bytes: Uint8Array | string): void {
    this.connection.receive(typeof bytes === 'string' ? fromHex(bytes) : bytes);
  }

  /** Everything received since the last take. */
  take(): Packet[] {
    const out = this.inbox;
    this.inbox = [];
    return out;
  }

  /** The next packet, which must be of this type. */
  next<T extends Packet['type']>(type: T): Extract<Packet, { type: T }> {
    const packet = this.inbox.shift();
    expect(packet?.type, `expected ${type}, inbox: ${JSON.stringify(packet?.type)}`).toBe(type);
    return packet as Extract<Packet, { type: T }>;
  }

  publishes(): PublishPacket[] {
    return this.take().filter((p): p is PublishPacket => p.type === 'PUBLISH');
  }

  connect(fields: Partial<ConnectPacket> = {}): ConnackPacket {
    this.send({
      type: 'CONNECT', protocolName: this.version === 3 ? 'MQIsdp' : 'MQTT', protocolLevel: this.version,
      cleanSession: true, keepAlive: 0, clientId: 'client', ...fields,
    } as ConnectPacket);
    return this.next('CONNACK');
  }

  subscribe(subscriptions: string | Array<Partial<Subscription> & { topicFilter: string }>, qos: QoS = 0, properties?: Properties, packetId = 1): SubackPacket {
    const list: Subscription[] = typeof subscriptions === 'string'
      ? [{ topicFilter: subscriptions, qos }]
      : subscriptions.map((s) => ({ qos, ...s }) as Subscription);
    const packet: Packet = { type: 'SUBSCRIBE', packetId, subscriptions: list };
    if (properties !== undefined) packet.properties = properties;
    this.send(packet);
    return this.next('SUBACK');
  }

  /** Publishes and completes the QoS flow (PUBACK, or PUBREC → PUBREL → PUBCOMP). */
  publish(topic: string, payload: string | Uint8Array, qos: QoS = 0, extra: Partial<PublishPacket> = {}, packetId = 1): void {
    const packet: PublishPacket = { type: 'PUBLISH', dup: false, qos, retain: false, topic, payload: typeof payload === 'string' ? text(payload) : payload, ...extra };
    if (qos > 0) packet.packetId = packetId;
    this.send(packet);
    if (qos === 1) this.takeAck('PUBACK', packetId);
    if (qos === 2) {
      this.takeAck('PUBREC', packetId);
      this.send({ type: 'PUBREL', packetId });
      this.takeAck('PUBCOMP', packetId);
    }
  }

  /** Removes the first packet of `type` for `packetId` from the inbox (other packets stay). */
  takeAck(type: 'PUBACK' | 'PUBREC' | 'PUBCOMP' | 'PUBREL', packetId: number): Extract<Packet, { type: typeof type }> {
    const at = this.inbox.findIndex((p) => p.type === type && (p as { packetId: number }).packetId === packetId);
    expect(at, `expected ${type} ${packetId} in ${JSON.stringify(this.inbox.map((p) => p.type))}`).not.toBe(-1);
    return this.inbox.splice(at, 1)[0] as Extract<Packet, { type: typeof type }>;
  }

  /** Acknowledges an incoming PUBLISH as a well-behaved client (QoS 2: PUBREC, then PUBCOMP for the PUBREL). */
  ack(publish: PublishPacket): void {
    if (publish.qos === 1) this.send({ type: 'PUBACK', packetId: publish.packetId! });
    if (publish.qos === 2) {
      this.send({ type: 'PUBREC', packetId: publish.packetId! });
      this.takeAck('PUBREL', publish.packetId!);
      this.send({ type: 'PUBCOMP', packetId: publish.packetId! });
    }
  }

  disconnect(reasonCode?: number, properties?: Properties): void {
    const packet: Packet = { type: 'DISCONNECT' };
    if (reasonCode !== undefined) packet.reasonCode = reasonCode;
    if (properties !== undefined) packet.properties = properties;
    this.send(packet);
  }

  drop(): void {
    this.connection.drop();
  }
}

export function fromHex(hexText: string): Uint8Array {
  const clean = hexText.replace(/[^0-9a-f]/gi, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** A connected client in one call. */
export function connected(bed: TestBed, clientId: string, version: ProtocolVersion = 4, fields: Partial<ConnectPacket> = {}): FakeClient {
  const client = bed.client(version);
  const connack = client.connect({ clientId, ...fields });
  expect(connack.reasonCode).toBe(0);
  return client;
}
