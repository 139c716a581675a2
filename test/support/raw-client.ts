/**
 * A raw MQTT client over TCP for tests: it sends exactly the packets it is given (encoded by our
 * codec) and records every packet the broker sends back (decoded by our StreamDecoder), so a test
 * sees the wire, not a client library's interpretation of it. Every wait is bounded.
 *
 *   const client = await RawClient.open(port, { version: 5 });
 *   client.send({ type: 'CONNECT', ... });
 *   const connack = await client.waitFor((p) => p.type === 'CONNACK', 2000);
 *   client.drop(); // the network fails: no DISCONNECT, the will goes out
 */
import { connect as netConnect, type Socket } from 'node:net';
import {
  encodePacket, StreamDecoder, type ConnackPacket, type ConnectPacket, type Packet, type Properties, type ProtocolVersion, type PublishPacket,
} from '../../src/mqtt/codec/index.ts';

export interface RawClientOptions {
  /** The protocol the broker's packets are decoded with (and ours encoded with). Default 4. */
  version?: ProtocolVersion;
  host?: string;
  /** How long the TCP connect may take. Default 2000 ms. */
  connectTimeoutMs?: number;
  /**
   * Answer the broker's PUBLISHes as a well-behaved client: PUBACK for QoS 1, PUBREC for QoS 2,
   * PUBCOMP for PUBREL. The answers are sent, not recorded. Default true.
   */
  autoAck?: boolean;
  /** A name for error messages. */
  label?: string;
}

/** Why the TCP connection ended, once it has. */
export type CloseKind = 'by-broker' | 'dropped' | 'closed';

export class RawClient {
  readonly version: ProtocolVersion;
  readonly label: string;
  /** Every packet received, in order. */
  readonly received: Packet[] = [];
  /** Set once the socket has closed: 'by-broker' unless we dropped or closed it first. */
  closeKind: CloseKind | null = null;
  /** Date.now() when the TCP connection opened, and when it closed (null while open). */
  readonly openedAt = Date.now();
  closedAt: number | null = null;
  /** A malformed stream from the broker, if any (nothing is decoded after it). */
  decodeError: Error | null = null;
  autoAck: boolean;
  private readonly socket: Socket;
  private readonly decoder: StreamDecoder;
  private readonly listeners = new Set<() => void>();
  private endedByUs: 'dropped' | 'closed' | null = null;

  private constructor(socket: Socket, options: RawClientOptions) {
    this.socket = socket;
    this.version = options.version ?? 4;
    this.label = options.label ?? 'client';
    this.autoAck = options.autoAck ?? true;
    this.decoder = new StreamDecoder({ protocolVersion: this.version });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closeKind = this.endedByUs ?? 'by-broker';
      this.closedAt = Date.now();
      this.notify();
    });
  }

  /** Opens a TCP connection to 127.0.0.1:port (nothing is sent yet). */
  static open(port: number, options: RawClientOptions = {}): Promise<RawClient> {
    const timeoutMs = options.connectTimeoutMs ?? 2000;
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host: options.host ?? '127.0.0.1', port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`${options.label ?? 'client'}: TCP connect to port ${port} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new RawClient(socket, options));
      });
    });
  }

  /**
   * Opens a connection, sends CONNECT and waits for the CONNACK (or the broker closing on us).
   * Resolves with the client and the CONNACK, or null for the CONNACK if the broker closed first.
   */
  static async connect(port: number, connect: Omit<ConnectPacket, 'type' | 'protocolName' | 'protocolLevel'> & Partial<ConnectPacket>, options: RawClientOptions = {}, timeoutMs = 2000): Promise<{ client: RawClient; connack: ConnackPacket | null }> {
    const version = options.version ?? connect.protocolLevel ?? 4;
    const client = await RawClient.open(port, { ...options, version });
    client.send({ type: 'CONNECT', protocolName: version === 3 ? 'MQIsdp' : 'MQTT', protocolLevel: version, ...connect } as ConnectPacket);
    const connack = await client.waitFor((p): p is ConnackPacket => p.type === 'CONNACK', timeoutMs).catch(() => null);
    return { client, connack };
  }

  get isClosed(): boolean {
    return this.closeKind !== null;
  }

  /** Encodes and writes one packet. Ignored once the socket is gone. */
  send(packet: Packet): void {
    this.sendBytes(encodePacket(packet, { protocolVersion: this.version }));
  }

  sendBytes(bytes: Uint8Array): void {
    if (this.socket.destroyed || this.endedByUs !== null) return;
    this.socket.write(bytes);
  }

  /** The PUBLISHes received so far. */
  publishes(): PublishPacket[] {
    return this.received.filter((p): p is PublishPacket => p.type === 'PUBLISH');
  }

  /**
   * The first packet received (from index `from` on) that satisfies `predicate`: at once if one
   * is already there, else when it arrives. Rejects after `timeoutMs`, or as soon as the
   * connection closes without one.
   */
  waitFor<P extends Packet>(predicate: ((p: Packet) => p is P) | ((p: Packet) => boolean), timeoutMs: number, from = 0): Promise<P> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        for (let i = from; i < this.received.length; i++) {
          if (predicate(this.received[i]!)) {
            finish();
            resolve(this.received[i] as P);
            return true;
          }
        }
        if (this.isClosed) {
          finish();
          reject(new Error(`${this.label}: connection closed (${this.closeKind}) before the packet awaited; received ${this.describe()}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`${this.label}: no such packet within ${timeoutMs} ms; received ${this.describe()}`));
      }, timeoutMs);
      const listener = () => { check(); };
      const finish = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
      check();
    });
  }

  /** Waits until at least `count` PUBLISHes have arrived; resolves false (never rejects) on timeout or close. */
  waitForPublishes(count: number, timeoutMs: number): Promise<boolean> {
    return this.until(() => this.publishes().length >= count, timeoutMs);
  }

  /** Resolves true once the socket is closed, false if it is still open after `timeoutMs`. */
  waitForClose(timeoutMs: number): Promise<boolean> {
    return this.until(() => this.isClosed, timeoutMs, true);
  }

  /** Rejects if any packet arrives within `ms`. */
  async expectSilence(ms: number): Promise<void> {
    const before = this.received.length;
    await new Promise((resolve) => setTimeout(resolve, ms));
    if (this.received.length > before) {
      throw new Error(`${this.label}: expected silence for ${ms} ms, got ${this.received.slice(before).map(describePacket).join(', ')}`);
    }
  }

  /** Resolves once nothing has arrived for `quietMs` (at most `maxMs` in all). */
  async settle(quietMs: number, maxMs: number): Promise<void> {
    const start = Date.now();
    let count = -1;
    let since = Date.now();
    while (Date.now() - start < maxMs) {
      if (this.received.length !== count) {
        count = this.received.length;
        since = Date.now();
      } else if (Date.now() - since >= quietMs) {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** The network fails: the socket is reset at once, no DISCONNECT (the broker must publish the will). */
  drop(): void {
    if (this.isClosed || this.endedByUs !== null) return;
    this.endedByUs = 'dropped';
    if (typeof this.socket.resetAndDestroy === 'function') this.socket.resetAndDestroy();
    else this.socket.destroy();
  }

  /** Sends DISCONNECT (with a 5.0 reason code if given) and closes our side. */
  disconnect(reasonCode?: number, properties?: Properties): void {
    const packet: Packet = { type: 'DISCONNECT' };
    if (reasonCode !== undefined) packet.reasonCode = reasonCode;
    if (properties !== undefined) packet.properties = properties;
    this.send(packet);
    this.close();
  }

  /** Ends the TCP connection (FIN; no DISCONNECT unless sent before) and frees it. Safe to call twice. */
  close(): void {
    if (this.endedByUs !== null || this.isClosed) {
      if (!this.socket.destroyed) this.socket.destroy();
      return;
    }
    this.endedByUs = 'closed';
    this.socket.end();
    // Don't wait for the broker to close its side: bounded, then cut.
    setTimeout(() => this.socket.destroy(), 200).unref();
  }

  /** The packets received, short, for failure messages. */
  describe(): string {
    return `[${this.received.map(describePacket).join(', ')}]${this.closeKind === null ? '' : ` (closed ${this.closeKind})`}`;
  }

  private onData(chunk: Buffer): void {
    const { packets, error } = this.decoder.feed(chunk);
    for (const { packet } of packets) {
      this.received.push(packet);
      if (this.autoAck) this.acknowledge(packet);
    }
    if (error !== null && this.decodeError === null) this.decodeError = error;
    this.notify();
  }

  private acknowledge(packet: Packet): void {
    if (packet.type === 'PUBLISH' && packet.qos === 1) this.send({ type: 'PUBACK', packetId: packet.packetId! });
    else if (packet.type === 'PUBLISH' && packet.qos === 2) this.send({ type: 'PUBREC', packetId: packet.packetId! });
    else if (packet.type === 'PUBREL') this.send({ type: 'PUBCOMP', packetId: packet.packetId });
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private until(condition: () => boolean, timeoutMs: number, ignoreClose = false): Promise<boolean> {
    return new Promise((resolve) => {
      const check = () => {
        if (condition()) { finish(); resolve(true); return; }
        if (!ignoreClose && this.isClosed) { finish(); resolve(false); }
      };
      const timer = setTimeout(() => { finish(); resolve(false); }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }
}

export function describePacket(packet: Packet): string {
  switch (packet.type) {
    case 'PUBLISH':
      return `PUBLISH(${packet.topic} q${packet.qos}${packet.retain ? ' r' : ''}${packet.dup ? ' dup' : ''}${packet.packetId === undefined ? '' : ` #${packet.packetId}`} "${new TextDecoder().decode(packet.payload).slice(0, 40)}")`;
    case 'CONNACK':
      return `CONNACK(sp=${packet.sessionPresent ? 1 : 0} rc=0x${packet.reasonCode.toString(16)})`;
    case 'SUBACK':
      return `SUBACK(#${packet.packetId} ${packet.reasonCodes.join(',')})`;
    case 'DISCONNECT':
      return `DISCONNECT(0x${(packet.reasonCode ?? 0).toString(16)})`;
    case 'PUBACK': case 'PUBREC': case 'PUBREL': case 'PUBCOMP':
      return `${packet.type}(#${packet.packetId}${packet.reasonCode === undefined ? '' : ` 0x${packet.reasonCode.toString(16)}`})`;
    default:
      return packet.type;
  }
}
