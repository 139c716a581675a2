/**
 * The wire between simulated clients and a real broker core, one packet at a time. Nothing moves
 * until `step()` delivers the packet at the head of the wire, so a learner can watch each arrow,
 * and a fault can be applied to the next packet: drop it, duplicate it, hold it back, or cut the
 * connection it travels on.
 *
 * TCP keeps the order of bytes on one connection, so packets travel first in, first out; a
 * "delayed" packet is one the network holds back for a few steps while the other direction runs.
 */
import { decodeAll, type Packet, type ProtocolVersion } from '../codec/index.ts';
import type { SimClient } from './sim-client.ts';

/** What the network needs of a broker: the core's `accept`, as the real broker provides it. */
export interface BrokerEndpoint {
  accept(sink: { send(bytes: Uint8Array): void; close(): void }, meta?: { transport?: string }): { receive(bytes: Uint8Array): void; drop(): void };
}

export type Party = string;
export type Fate = 'delivered' | 'dropped' | 'duplicated' | 'delayed' | 'lost-with-connection';
export type Fault = 'drop' | 'duplicate' | 'delay';

export interface WirePacket {
  /** Increasing number, unique per simulation. */
  seq: number;
  from: Party;
  to: Party;
  bytes: Uint8Array;
  packet: Packet;
  /** The connection it travels on; a cut connection loses what it still carries. */
  connection: number;
  /** Steps left before a held-back packet may be delivered. */
  holdSteps: number;
  /** A duplicate made by a fault, shown as such. */
  copyOf: number | null;
}

export interface StepResult {
  packet: WirePacket;
  fate: Fate;
}

interface ClientLink {
  client: SimClient;
  connection: number;
  brokerSide: { receive(bytes: Uint8Array): void; drop(): void } | null;
  open: boolean;
}

export const BROKER: Party = 'broker';

export class SimNetwork {
  readonly broker: BrokerEndpoint;
  readonly wire: WirePacket[] = [];
  private readonly links = new Map<Party, ClientLink>();
  private seq = 0;
  private connectionCounter = 0;
  private armed: Fault | null = null;

  constructor(broker: BrokerEndpoint) {
    this.broker = broker;
  }

  add(name: Party, client: SimClient): void {
    this.links.set(name, { client, connection: 0, brokerSide: null, open: false });
  }

  client(name: Party): SimClient {
    const link = this.links.get(name);
    if (link === undefined) throw new Error(`No client called ${name}`);
    return link.client;
  }

  isOpen(name: Party): boolean {
    return this.links.get(name)?.open ?? false;
  }

  /** Opens a new network connection for `name` and lets its client send CONNECT. */
  open(name: Party): void {
    const link = this.links.get(name);
    if (link === undefined) throw new Error(`No client called ${name}`);
    const connection = ++this.connectionCounter;
    link.connection = connection;
    link.open = true;
    const version: ProtocolVersion = link.client.version;
    link.brokerSide = this.broker.accept({
      send: (bytes) => this.enqueueFromBroker(name, connection, bytes),
      close: () => this.closedByBroker(name, connection),
    }, { transport: 'simulated' });
    link.client.transmit = (bytes) => {
      if (!link.open || link.connection !== connection) return;
      for (const piece of splitPackets(bytes, version)) {
        this.wire.push({ seq: ++this.seq, from: name, to: BROKER, bytes: piece.bytes, packet: piece.packet, connection, holdSteps: 0, copyOf: null });
      }
    };
    link.client.connect();
  }

  /** The connection breaks without a DISCONNECT: both ends find out, packets in flight are lost. */
  cut(name: Party): WirePacket[] {
    const link = this.links.get(name);
    if (link === undefined || !link.open) return [];
    link.open = false;
    const lost = this.removeConnection(link.connection);
    link.client.connectionLost();
    link.brokerSide?.drop();
    link.brokerSide = null;
    return lost;
  }

  /** The next packet delivered suffers this fault. */
  arm(fault: Fault): void {
    this.armed = fault;
  }

  get armedFault(): Fault | null {
    return this.armed;
  }

  /**
   * The packet `step()` will deliver next (the one an armed fault hits), without moving anything;
   * null when the wire is empty. Mirrors step(): the first packet not held back and not behind a
   * held packet in its lane; if all are held, time passes until one is free.
   */
  peek(): WirePacket | null {
    if (this.wire.length === 0) return null;
    const holds = this.wire.map((p) => p.holdSteps);
    for (;;) {
      const blocked = new Set<string>();
      for (let i = 0; i < this.wire.length; i++) {
        const p = this.wire[i]!;
        const lane = `${p.connection}:${p.from}`;
        if (blocked.has(lane)) continue;
        if (holds[i]! > 0) { blocked.add(lane); continue; }
        return p;
      }
      for (let i = 0; i < holds.length; i++) holds[i] = Math.max(0, holds[i]! - 1);
    }
  }

  /** Delivers the packet at the head of the wire, or returns null when nothing is in flight. */
  step(): StepResult | null {
    // TCP keeps order within one direction of one connection: a held packet blocks those behind it.
    const blocked = new Set<string>();
    let index = -1;
    for (let i = 0; i < this.wire.length; i++) {
      const p = this.wire[i]!;
      const lane = `${p.connection}:${p.from}`;
      if (blocked.has(lane)) continue;
      if (p.holdSteps > 0) { blocked.add(lane); continue; }
      index = i;
      break;
    }
    if (index === -1) {
      // Only held-back packets remain: time passes for them.
      if (this.wire.length === 0) return null;
      for (const p of this.wire) p.holdSteps = Math.max(0, p.holdSteps - 1);
      return this.step();
    }
    for (const p of this.wire) if (p.holdSteps > 0) p.holdSteps -= 1;
    const packet = this.wire[index]!;
    const fault = this.armed;
    this.armed = null;
    if (fault === 'delay') {
      packet.holdSteps = 3;
      return { packet, fate: 'delayed' };
    }
    this.wire.splice(index, 1);
    if (fault === 'drop') return { packet, fate: 'dropped' };
    if (fault === 'duplicate') {
      this.wire.splice(index, 0, { ...packet, seq: ++this.seq, copyOf: packet.seq });
      this.deliver(packet);
      return { packet, fate: 'duplicated' };
    }
    this.deliver(packet);
    return { packet, fate: 'delivered' };
  }

  private deliver(packet: WirePacket): void {
    if (packet.to === BROKER) {
      const link = this.links.get(packet.from);
      if (link?.open && link.connection === packet.connection) link.brokerSide?.receive(packet.bytes);
    } else {
      const link = this.links.get(packet.to);
      if (link?.open && link.connection === packet.connection) link.client.receive(packet.bytes);
    }
  }

  private enqueueFromBroker(name: Party, connection: number, bytes: Uint8Array): void {
    const version = this.links.get(name)?.client.version ?? 4;
    for (const piece of splitPackets(bytes, version)) {
      this.wire.push({ seq: ++this.seq, from: BROKER, to: name, bytes: piece.bytes, packet: piece.packet, connection, holdSteps: 0, copyOf: null });
    }
  }

  private closedByBroker(name: Party, connection: number): void {
    const link = this.links.get(name);
    if (link === undefined || link.connection !== connection || !link.open) return;
    // What the broker sent before closing (a CONNACK refusal, a DISCONNECT) still arrives.
    link.open = false;
    link.brokerSide = null;
    const pendingToClient = this.wire.filter((p) => p.connection === connection && p.to === name);
    for (const p of pendingToClient) link.client.receive(p.bytes);
    this.removeConnection(connection);
    link.client.connectionLost();
  }

  private removeConnection(connection: number): WirePacket[] {
    const lost = this.wire.filter((p) => p.connection === connection);
    for (let i = this.wire.length - 1; i >= 0; i--) if (this.wire[i]!.connection === connection) this.wire.splice(i, 1);
    return lost;
  }
}

/**
 * Both the broker core and SimClient hand whole packets to their transport, sometimes several in
 * one call; each wire packet keeps a copy of its own bytes.
 */
function splitPackets(bytes: Uint8Array, version: ProtocolVersion): Array<{ bytes: Uint8Array; packet: Packet }> {
  const result = decodeAll(bytes, { protocolVersion: version });
  const failure = result.failures[0];
  if (failure !== undefined) throw new Error(`The simulation produced a malformed packet: ${failure.error.message}`);
  return result.packets.map((d) => ({ bytes: bytes.slice(d.offset, d.offset + d.length), packet: d.packet }));
}
