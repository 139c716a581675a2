/**
 * The load side of the broker benchmark, run in a child process forked by broker.bench.ts so the
 * broker under test has the harness process to itself. It takes requests over IPC:
 *
 *   { type: 'run', port, qos, subscribers, warmupMs, durationMs }
 *     One MQTT.js publisher and `subscribers` raw subscribers to `bench/#` (see RawSubscriber:
 *     cheap, so the load process is not what is timed). The publisher
 *     keeps 50 messages in flight (QoS 1/2: PUBLISHes not yet acknowledged; QoS 0: writes in
 *     batches of 50 per event-loop turn, waiting for `drain`), and never runs more than LEAD
 *     messages ahead of the slowest subscriber, so that no broker buffers without bound. Answers
 *     with the deliveries counted at the subscribers during `durationMs` after `warmupMs`.
 *   { type: 'check', port, qos, subscribers, messages }
 *     Publishes `messages` numbered messages and answers how many each subscriber got, and
 *     whether in order: the bench refuses to time a broker that loses messages.
 *   { type: 'deep', port, levels }
 *     Subscribes to and publishes on a topic `levels` deep; answers what happened.
 *   { type: 'exit' }
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';

export interface RunRequest { type: 'run'; port: number; qos: 0 | 1 | 2; subscribers: number; warmupMs: number; durationMs: number }
export interface RunResult { type: 'run'; deliveries: number; seconds: number; published: number; acked: number }
export interface CheckRequest { type: 'check'; port: number; qos: 0 | 1 | 2; subscribers: number; messages: number }
export interface CheckResult { type: 'check'; received: number[]; inOrder: boolean[]; duplicates: number }
export interface DeepRequest { type: 'deep'; port: number; levels: number }
export interface DeepResult { type: 'deep'; suback: string; received: boolean; detail: string }
export type LoadRequest = RunRequest | CheckRequest | DeepRequest | { type: 'exit' };
export type LoadReply = RunResult | CheckResult | DeepResult | { type: 'error'; message: string };

const WINDOW = 50;
/**
 * How far (in messages) the publisher may run ahead of the slowest subscriber, at any QoS: a
 * broker acknowledges a PUBLISH when it has routed it, not when subscribers have it, so without
 * this a publisher faster than the subscribers would pile messages up in the broker. 1000 keeps
 * the backlog within mosquitto's (and our) default max_queued_messages of 1000 per client.
 */
const LEAD = 1000;
const TOPIC = 'bench/load/topic';
const PAYLOAD_SIZE = 32;

let runCounter = 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Small MQTT packets and Nagle's algorithm meet delayed ACKs: without TCP_NODELAY on every socket
 * a pipeline stalls ~40 ms at a time and the bench would time the kernel's timers. Our listener
 * sets it on its side; the Aedes adapter in broker.bench.ts sets it too; here the clients do.
 */
function noDelay(client: MqttClient): void {
  const stream = client.stream as { setNoDelay?: (on: boolean) => void };
  stream.setNoDelay?.(true);
}

function options(clientId: string): IClientOptions {
  return { clientId, protocolVersion: 4, clean: true, keepalive: 60, reconnectPeriod: 0, connectTimeout: 5000 };
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A minimal MQTT 3.1.1 subscriber on a raw socket: CONNECT, SUBSCRIBE, then it counts PUBLISHes
 * and acknowledges them (PUBACK; PUBREC then PUBCOMP for the PUBREL), all acknowledgements of one
 * TCP chunk in one write. It exists so that the load process spends as little as possible per
 * delivery: with 100 MQTT.js subscribers (or even one) in the load process, the bench would time
 * MQTT.js's parser rather than the brokers. It shares no code with our codec.
 */
class RawSubscriber {
  private readonly socket: Socket;
  private pending: Buffer | null = null;
  private connected: ((ok: boolean) => void) | null = null;
  private subscribed: (() => void) | null = null;
  private readonly onPublish: (payload: Buffer) => void;

  private constructor(socket: Socket, onPublish: (payload: Buffer) => void) {
    this.socket = socket;
    this.onPublish = onPublish;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {});
  }

  static async connect(port: number, clientId: string, qos: 0 | 1 | 2, filter: string, onPublish: (payload: Buffer) => void): Promise<RawSubscriber> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = netConnect({ host: '127.0.0.1', port }, () => resolve(s));
      s.once('error', reject);
    });
    const subscriber = new RawSubscriber(socket, onPublish);
    const id = Buffer.from(clientId);
    // CONNECT: "MQTT", level 4, Clean Session, keepalive 60 s.
    const variable = Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x02, 0, 60, id.length >> 8, id.length & 0xff]);
    const connectBody = Buffer.concat([variable, id]);
    const connack = new Promise<boolean>((resolve) => { subscriber.connected = resolve; });
    socket.write(Buffer.concat([Buffer.from([0x10, ...remainingLength(connectBody.length)]), connectBody]));
    if (!(await withTimeout(connack, 5000, 'CONNACK'))) throw new Error('connection refused');
    const topic = Buffer.from(filter);
    const subscribeBody = Buffer.concat([Buffer.from([0, 1, topic.length >> 8, topic.length & 0xff]), topic, Buffer.from([qos])]);
    const suback = new Promise<void>((resolve) => { subscriber.subscribed = resolve; });
    socket.write(Buffer.concat([Buffer.from([0x82, ...remainingLength(subscribeBody.length)]), subscribeBody]));
    await withTimeout(suback, 5000, 'SUBACK');
    return subscriber;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) { resolve(); return; }
      this.socket.once('close', () => resolve());
      this.socket.end(Buffer.from([0xe0, 0]));
      setTimeout(() => this.socket.destroy(), 500).unref();
    });
  }

  private onData(chunk: Buffer): void {
    let data = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
    this.pending = null;
    let at = 0;
    const acks: number[] = [];
    while (at + 2 <= data.length) {
      // Fixed header: type and flags, then the Remaining Length (1–4 bytes).
      let length = 0;
      let multiplier = 1;
      let i = at + 1;
      let complete = false;
      for (; i < data.length && i < at + 5; i++) {
        length += (data[i]! & 0x7f) * multiplier;
        multiplier *= 128;
        if ((data[i]! & 0x80) === 0) { complete = true; i++; break; }
      }
      if (!complete || i + length > data.length) break;
      const first = data[at]!;
      const type = first >> 4;
      if (type === 3) {
        const qos = (first >> 1) & 3;
        const topicLength = data.readUInt16BE(i);
        let payloadAt = i + 2 + topicLength;
        if (qos > 0) {
          const packetId = data.readUInt16BE(payloadAt);
          payloadAt += 2;
          acks.push(qos === 1 ? 0x40 : 0x50, 2, packetId >> 8, packetId & 0xff);
        }
        this.onPublish(data.subarray(payloadAt, i + length));
      } else if (type === 6) {
        acks.push(0x70, 2, data[i]!, data[i + 1]!);
      } else if (type === 2) {
        this.connected?.(data[i + 1] === 0);
        this.connected = null;
      } else if (type === 9) {
        this.subscribed?.();
        this.subscribed = null;
      }
      at = i + length;
    }
    if (at < data.length) this.pending = Buffer.from(data.subarray(at));
    if (acks.length > 0) this.socket.write(Buffer.from(acks));
  }
}

function remainingLength(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

interface Load {
  publisher: MqttClient;
  subscribers: RawSubscriber[];
  /** Deliveries per subscriber. */
  counts: number[];
  total(): number;
  slowest(): number;
  /** Calls `wake` once the subscribers have `n` deliveries in all (one waiter at a time). */
  whenTotal(n: number, wake: () => void): void;
  close(): Promise<void>;
}

/** Connects the subscribers (subscribed to bench/# at `qos`) and the publisher. */
async function setUp(port: number, qos: 0 | 1 | 2, subscriberCount: number, onMessage?: (index: number, payload: Buffer) => void): Promise<Load> {
  const run = ++runCounter;
  const url = `mqtt://127.0.0.1:${port}`;
  const counts = new Array<number>(subscriberCount).fill(0);
  let total = 0;
  let waiter: (() => void) | null = null;
  let waitFor = 0;
  const subscribers = await withTimeout(Promise.all(Array.from({ length: subscriberCount }, (_, index) =>
    RawSubscriber.connect(port, `bench-${process.pid}-${run}-sub-${index}`, qos, 'bench/#', (payload) => {
      counts[index]!++;
      total++;
      onMessage?.(index, payload);
      if (waiter !== null && total >= waitFor) {
        const wake = waiter;
        waiter = null;
        wake();
      }
    }))), 15_000, 'connecting the subscribers');
  const publisher = await withTimeout(connectAsync(url, options(`bench-${process.pid}-${run}-pub`)), 5000, 'connecting the publisher');
  noDelay(publisher);
  return {
    publisher,
    subscribers,
    counts,
    total: () => total,
    slowest: () => counts.reduce((a, b) => Math.min(a, b), Infinity),
    whenTotal(n, wake) {
      // Already there (one subscriber lagging the others): look again on the next turn, never
      // synchronously, or the publisher would recurse.
      if (total >= n) { setImmediate(wake); return; }
      waitFor = n;
      waiter = wake;
    },
    async close() {
      await Promise.all([
        withTimeout(publisher.endAsync(true), 2000, 'closing the publisher').catch(() => undefined),
        ...subscribers.map((s) => s.close()),
      ]);
    },
  };
}

/**
 * Publishes until `stop()` says so or `limit` messages are out: QoS 1/2 with WINDOW PUBLISHes
 * awaiting acknowledgement, QoS 0 in batches of WINDOW per turn with backpressure. Resolves when
 * publishing has stopped and (QoS 1/2) every PUBLISH is acknowledged.
 */
function publish(load: Load, qos: 0 | 1 | 2, limit: number, stop: () => boolean, payloadFor: (n: number) => Buffer): { done: Promise<void>; published: () => number; acked: () => number } {
  const client = load.publisher;
  let published = 0;
  let acked = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => { resolveDone = resolve; });
  const fanOut = load.subscribers.length;
  // With one subscriber, "the slowest" is the total; with many, the total is a cheap lower bound
  // check first (deliveries spread evenly across identical subscribers).
  const aheadBy = () => published - (fanOut === 1 ? load.total() : load.slowest());
  /** Resume once the subscribers are back within half the lead (or after 50 ms, whichever first). */
  const resumeLater = (resume: () => void) => {
    let resumed = false;
    const once = () => {
      if (resumed) return;
      resumed = true;
      clearTimeout(timer);
      resume();
    };
    const timer = setTimeout(once, 50);
    load.whenTotal((published - LEAD / 2) * fanOut, once);
  };
  if (qos > 0) {
    let inflight = 0;
    let waiting = false;
    const pump = () => {
      while (inflight < WINDOW && published < limit && !stop()) {
        if (aheadBy() >= LEAD) {
          // Far enough ahead of the subscribers: carry on when they have caught up a little.
          if (!waiting) {
            waiting = true;
            resumeLater(() => { waiting = false; pump(); });
          }
          return;
        }
        inflight++;
        client.publish(TOPIC, payloadFor(published++), { qos }, onAck);
      }
      if (inflight === 0) resolveDone();
    };
    const onAck = () => {
      inflight--;
      acked++;
      pump();
    };
    pump();
  } else {
    const stream = client.stream;
    const pump = () => {
      if (stop() || published >= limit) { resolveDone(); return; }
      if (aheadBy() >= LEAD) { resumeLater(pump); return; }
      const batch = Math.min(WINDOW, limit - published);
      for (let i = 0; i < batch; i++) client.publish(TOPIC, payloadFor(published++), { qos: 0 });
      if (stream.writableNeedDrain) stream.once('drain', pump);
      else setImmediate(pump);
    };
    pump();
  }
  return { done, published: () => published, acked: () => acked };
}

async function run(request: RunRequest): Promise<RunResult> {
  const load = await setUp(request.port, request.qos, request.subscribers);
  try {
    const payload = Buffer.alloc(PAYLOAD_SIZE, 0x61);
    let stopped = false;
    const publishing = publish(load, request.qos, Infinity, () => stopped, () => payload);
    await sleep(request.warmupMs);
    const startCount = load.total();
    const start = performance.now();
    await sleep(request.durationMs);
    const deliveries = load.total() - startCount;
    const seconds = (performance.now() - start) / 1000;
    stopped = true;
    await withTimeout(publishing.done, 5000, 'the last acknowledgements').catch(() => undefined);
    return { type: 'run', deliveries, seconds, published: publishing.published(), acked: publishing.acked() };
  } finally {
    await load.close();
  }
}

async function check(request: CheckRequest): Promise<CheckResult> {
  const next = new Array<number>(request.subscribers).fill(0);
  const inOrder = new Array<boolean>(request.subscribers).fill(true);
  let duplicates = 0;
  const seen = Array.from({ length: request.subscribers }, () => new Uint8Array(request.messages));
  const load = await setUp(request.port, request.qos, request.subscribers, (index, payload) => {
    const n = payload.readUInt32BE(0);
    if (n !== next[index]) inOrder[index] = false;
    next[index] = n + 1;
    if (seen[index]![n]) duplicates++;
    seen[index]![n] = 1;
  });
  try {
    const publishing = publish(load, request.qos, request.messages, () => false, (n) => {
      const payload = Buffer.alloc(PAYLOAD_SIZE, 0x61);
      payload.writeUInt32BE(n, 0);
      return payload;
    });
    await withTimeout(publishing.done, 30_000, 'publishing the check messages');
    const deadline = Date.now() + 10_000;
    while (load.slowest() < request.messages && Date.now() < deadline) await sleep(10);
    // A little longer, to catch duplicates.
    await sleep(100);
    return { type: 'check', received: load.counts.slice(), inOrder, duplicates };
  } finally {
    await load.close();
  }
}

async function deep(request: DeepRequest): Promise<DeepResult> {
  const topic = Array.from({ length: request.levels }, (_, i) => `l${i}`).join('/');
  const url = `mqtt://127.0.0.1:${request.port}`;
  const run = ++runCounter;
  const clients: MqttClient[] = [];
  try {
    const sub = await connectAsync(url, options(`deep-${process.pid}-${run}-sub`));
    clients.push(sub);
    let closed = false;
    sub.on('close', () => { closed = true; });
    sub.on('error', () => {});
    let received = false;
    sub.on('message', (t) => { if (t === topic) received = true; });
    let suback: string;
    try {
      const granted = await withTimeout(sub.subscribeAsync(topic, { qos: 1 }), 2000, 'SUBACK');
      suback = `granted ${JSON.stringify(granted.map((g) => g.qos))}`;
    } catch (error) {
      suback = `no SUBACK (${error instanceof Error ? error.message : String(error)})${closed ? ', connection closed' : ''}`;
    }
    const pub = await connectAsync(url, options(`deep-${process.pid}-${run}-pub`));
    clients.push(pub);
    pub.on('error', () => {});
    let pubClosed = false;
    pub.on('close', () => { pubClosed = true; });
    let puback = 'PUBACK';
    try {
      await withTimeout(pub.publishAsync(topic, 'deep', { qos: 1 }), 2000, 'PUBACK');
    } catch (error) {
      puback = `no PUBACK (${error instanceof Error ? error.message : String(error)})`;
    }
    await sleep(300);
    const detail = `SUBSCRIBE: ${suback}; PUBLISH: ${puback}${pubClosed ? ', publisher disconnected' : ''}; delivered: ${received ? 'yes' : 'no'}`;
    return { type: 'deep', suback, received, detail };
  } finally {
    await Promise.all(clients.map((c) => withTimeout(c.endAsync(true), 2000, 'close').catch(() => undefined)));
  }
}

process.on('message', (request: LoadRequest) => {
  if (request.type === 'exit') {
    process.exit(0);
  }
  const work = request.type === 'run' ? run(request) : request.type === 'check' ? check(request) : deep(request);
  work.then(
    (reply) => process.send!(reply),
    (error: unknown) => process.send!({ type: 'error', message: error instanceof Error ? error.stack ?? error.message : String(error) } satisfies LoadReply),
  );
});

// Never outlive the harness.
process.on('disconnect', () => process.exit(0));
