/**
 * The in-memory broker on real sockets: MQTT over TCP (node:net) and over WebSocket (the `ws`
 * package; paths `/mqtt` and `/`, subprotocol "mqtt", binary frames — MQTT-6.0.0-1..4). This is
 * the host: it owns the real clock, the timer that calls `broker.tick()`, and the id source.
 */
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { Broker } from '../mqtt/broker/broker.ts';
import type { BrokerConnection } from '../mqtt/broker/connection.ts';
import { describeBrokerEvent } from '../mqtt/broker/describe.ts';
import type { BrokerOptions, IdSource } from '../mqtt/broker/types.ts';

export interface NodeBrokerOptions {
  /** TCP port; 0 picks a free one; null for no TCP listener. Default 1883. */
  port?: number | null;
  /** WebSocket port; 0 picks a free one; null for none. Default null. */
  wsPort?: number | null;
  host?: string;
  broker?: BrokerOptions;
  /** One line per broker event (connections, subscriptions, publishes, …). Default: none. */
  log?: (line: string) => void;
  /** How often `broker.tick()` runs, ms. Default 250. */
  tickInterval?: number;
  /**
   * Coalesce the packets one event produces for a connection (an incoming chunk's answers, a
   * publish fanned out, a tick's work) into one socket write or WebSocket frame, flushed when the
   * event's work is done. Default true; false writes every packet on its own (for the bench).
   */
  batchWrites?: boolean;
}

/** Counters for tests and benches. */
export interface NodeBrokerStats {
  /** Socket writes and WebSocket frames sent. */
  writes: number;
  /** Packets handed to them. */
  packets: number;
}

export interface NodeBroker {
  broker: Broker;
  /** The bound ports (useful with port 0). */
  port: number | null;
  wsPort: number | null;
  host: string;
  readonly stats: NodeBrokerStats;
  /** Stops listening, closes every connection (5.0 clients hear DISCONNECT 0x8B) and the timer. */
  close(): Promise<void>;
}

/** A counter plus a random suffix: unique across restarts, readable in logs. */
export function nodeIds(): IdSource {
  const suffix = randomBytes(3).toString('hex');
  let n = 0;
  return { next: (prefix) => `${prefix}${++n}-${suffix}` };
}

export async function startNodeBroker(options: NodeBrokerOptions = {}): Promise<NodeBroker> {
  const host = options.host ?? '127.0.0.1';
  const broker = new Broker({
    clock: { now: () => Date.now() },
    ids: nodeIds(),
    options: { allocate: (size) => Buffer.allocUnsafe(size), ...options.broker },
  });
  const log = options.log;
  if (log !== undefined) {
    broker.events.onAny((event) => {
      const line = describeBrokerEvent(event);
      if (line !== null) log(line);
    });
  }
  const sockets = new Set<Socket>();
  const webSockets = new Set<WebSocket>();
  const stats: NodeBrokerStats = { writes: 0, packets: 0 };
  const batch = options.batchWrites ?? true;
  const writer = (write: (bytes: Uint8Array) => void) => batch ? new WriteBatch(write, stats) : new WriteEach(write, stats);

  let tcp: TcpServer | null = null;
  const tcpPortOption = options.port === undefined ? 1883 : options.port;
  if (tcpPortOption !== null) {
    tcp = createTcpServer((socket) => {
      sockets.add(socket);
      socket.setNoDelay(true);
      const out = writer((bytes) => {
        if (!socket.destroyed) socket.write(bytes);
      });
      const connection = broker.accept({
        send: (bytes) => out.send(bytes),
        // Flush what is written (a CONNACK refusal, a DISCONNECT), then close.
        close: () => {
          out.flush();
          socket.end(() => socket.destroy());
        },
      }, { remoteAddress: `${socket.remoteAddress}:${socket.remotePort}`, transport: 'tcp' });
      socket.on('data', (data: Buffer) => receive(connection, data, () => socket.destroy()));
      socket.on('error', () => {});
      socket.on('close', () => {
        sockets.delete(socket);
        connection.drop();
      });
    });
    await listen(tcp, tcpPortOption, host);
  }

  let http: HttpServer | null = null;
  let wss: WebSocketServer | null = null;
  const wsPortOption = options.wsPort ?? null;
  if (wsPortOption !== null) {
    http = createHttpServer((_request, response) => {
      response.writeHead(426, { 'content-type': 'text/plain' });
      response.end('This is an MQTT over WebSocket endpoint: connect with subprotocol "mqtt" to /mqtt.\n');
    });
    wss = new WebSocketServer({
      noServer: true,
      // MQTT-6.0.0-3/-4: the subprotocol is "mqtt"; older clients (MQTT 3.1) offer "mqttv3.1".
      handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : protocols.has('mqttv3.1') ? 'mqttv3.1' : false),
    });
    http.on('upgrade', (request, socket, head) => {
      const path = (request.url ?? '/').split('?')[0];
      if (path !== '/mqtt' && path !== '/') {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      wss!.handleUpgrade(request, socket, head, (ws) => {
        webSockets.add(ws);
        const remote = `${request.socket.remoteAddress}:${request.socket.remotePort}`;
        // One WebSocket frame may carry several MQTT packets (MQTT-6.0.0-2 lets packets and frames
        // be cut independently), so a batch is one binary frame.
        const out = writer((bytes) => {
          if (ws.readyState === ws.OPEN) ws.send(bytes, { binary: true });
        });
        const connection = broker.accept({
          send: (bytes) => out.send(bytes),
          close: () => {
            out.flush();
            ws.close(1000);
          },
        }, { remoteAddress: remote, transport: 'ws' });
        ws.on('message', (data, isBinary) => {
          // MQTT-6.0.0-1: MQTT travels in binary frames; a text frame ends the connection.
          if (!isBinary) {
            ws.close(1003, 'MQTT needs binary frames');
            return;
          }
          const chunks = Array.isArray(data) ? data : [data instanceof ArrayBuffer ? Buffer.from(data) : data];
          for (const chunk of chunks) receive(connection, chunk, () => ws.terminate());
        });
        ws.on('error', () => {});
        ws.on('close', () => {
          webSockets.delete(ws);
          connection.drop();
        });
      });
    });
    await listen(http, wsPortOption, host);
  }

  const timer = setInterval(() => broker.tick(), options.tickInterval ?? 250);
  let closing: Promise<void> | null = null;

  return {
    broker,
    port: tcp === null ? null : (tcp.address() as AddressInfo).port,
    wsPort: http === null ? null : (http.address() as AddressInfo).port,
    host,
    stats,
    close() {
      closing ??= (async () => {
        clearInterval(timer);
        const stopped = [tcp, http].filter((s): s is TcpServer | HttpServer => s !== null)
          .map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
        // Tell clients (5.0: DISCONNECT 0x8B) and let the sockets flush, briefly; then cut.
        broker.close();
        const deadline = Date.now() + 500;
        while ((sockets.size > 0 || webSockets.size > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        for (const ws of webSockets) ws.terminate();
        for (const socket of sockets) socket.destroy();
        wss?.close();
        await Promise.all(stopped);
      })();
      return closing;
    },
  };
}

/**
 * The packets written to one connection during one event, sent as one write when the event's
 * synchronous work is over (a microtask): a chunk of 50 PUBLISHes gets its 50 PUBACKs in one
 * write, a SUBSCRIBE its SUBACK and retained messages in one.
 */
class WriteBatch {
  private pending: Uint8Array[] = [];
  private size = 0;
  private scheduled = false;
  private readonly write: (bytes: Uint8Array) => void;
  private readonly stats: NodeBrokerStats;
  private readonly flushNow = () => this.flush();

  constructor(write: (bytes: Uint8Array) => void, stats: NodeBrokerStats) {
    this.write = write;
    this.stats = stats;
  }

  send(bytes: Uint8Array): void {
    this.pending.push(bytes);
    this.size += bytes.length;
    this.stats.packets++;
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(this.flushNow);
    }
  }

  flush(): void {
    this.scheduled = false;
    const pending = this.pending;
    if (pending.length === 0) return;
    this.pending = [];
    const size = this.size;
    this.size = 0;
    this.stats.writes++;
    this.write(pending.length === 1 ? pending[0]! : Buffer.concat(pending, size));
  }
}

/** Every packet on its own write (batchWrites: false). */
class WriteEach {
  private readonly write: (bytes: Uint8Array) => void;
  private readonly stats: NodeBrokerStats;

  constructor(write: (bytes: Uint8Array) => void, stats: NodeBrokerStats) {
    this.write = write;
    this.stats = stats;
  }

  send(bytes: Uint8Array): void {
    this.stats.packets++;
    this.stats.writes++;
    this.write(bytes);
  }

  flush(): void {}
}

/** A broker bug must not take the process down: report it and cut that one connection. */
function receive(connection: BrokerConnection, bytes: Uint8Array, cut: () => void): void {
  try {
    connection.receive(bytes);
  } catch (error) {
    console.error(`broker error on ${connection.id}:`, error);
    cut();
  }
}

function listen(server: TcpServer | HttpServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
