/**
 * Broker throughput: our broker (the Node TCP host, src/cli/node-broker.ts) against Aedes, both
 * in this process behind the same little adapter (a TCP port and a close()), driven by the same
 * load in a forked child (broker-load.ts: an MQTT.js publisher, light raw-socket subscribers), so
 * the broker has this process's event loop to itself and the load cannot favour either. Every
 * socket has TCP_NODELAY on both ends (ours sets it; the Aedes adapter here does the same).
 *
 * Cases: 1 publisher → 1 subscriber at QoS 0, 1 and 2, and 1 → 100 subscribers at QoS 0. Each
 * case runs each broker for ~2.5 s, interleaved A-B then B-A over 3 rounds; the figure is
 * deliveries per second counted at the subscribers, and the ratio is the median of the per-round
 * ratios ours / Aedes. Before timing, each broker must deliver every message of a numbered run,
 * in order, to every subscriber, or the bench aborts.
 *
 *   npx node --experimental-strip-types --no-warnings test/bench/broker.bench.ts
 *   npm run bench -- broker
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import { startNodeBroker } from '../../src/cli/node-broker.ts';
import { isMain, printTable, type BenchRow } from './harness.ts';
import type { CheckResult, DeepResult, LoadReply, LoadRequest, RunResult } from './broker-load.ts';

/** One broker under test: where to connect, and how to stop it. */
export interface BrokerUnderTest {
  name: string;
  port: number;
  close(): Promise<void>;
}

/** `batchWrites: false` is the host writing every packet on its own, kept to show what batching gains. */
export async function startOurs(batchWrites = true): Promise<BrokerUnderTest> {
  // No `log`: nobody listens to broker events, as in production.
  const node = await startNodeBroker({ port: 0, wsPort: null, host: '127.0.0.1', batchWrites });
  return { name: batchWrites ? 'ours' : 'ours, 1 write per packet', port: node.port!, close: () => node.close() };
}

export async function startAedes(): Promise<BrokerUnderTest> {
  const aedes = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    // As our listener does (src/cli/node-broker.ts): without it, Nagle's algorithm and delayed
    // ACKs stall small packets ~40 ms at a time and the bench would time the kernel's timers.
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    name: 'Aedes',
    port: (server.address() as AddressInfo).port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    },
  };
}

/** The forked load process, one request at a time, each bounded in time. */
class LoadProcess {
  private readonly child: ChildProcess;

  constructor() {
    this.child = fork(new URL('./broker-load.ts', import.meta.url), [], {
      execArgv: ['--experimental-strip-types', '--no-warnings'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
  }

  request<R extends LoadReply>(request: LoadRequest, timeoutMs: number): Promise<R> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`load process: ${request.type} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (reply: LoadReply) => {
        cleanup();
        if (reply.type === 'error') reject(new Error(`load process: ${reply.message}`));
        else resolve(reply as R);
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`load process exited (${code}) during ${request.type}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send(request);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try { this.child.send({ type: 'exit' } satisfies LoadRequest); } catch { /* already gone */ }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}

interface LoadCase { name: string; qos: 0 | 1 | 2; subscribers: number; checkMessages: number }

const CASES: LoadCase[] = [
  { name: '1 → 1, QoS 0', qos: 0, subscribers: 1, checkMessages: 20_000 },
  { name: '1 → 1, QoS 1', qos: 1, subscribers: 1, checkMessages: 10_000 },
  { name: '1 → 1, QoS 2', qos: 2, subscribers: 1, checkMessages: 5_000 },
  { name: '1 → 100, QoS 0', qos: 0, subscribers: 100, checkMessages: 500 },
];

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export interface BrokerBenchOptions {
  rounds?: number;
  durationMs?: number;
  warmupMs?: number;
  /** Only these cases (by name). */
  cases?: string[];
  /** Print per-run figures as they come. */
  verbose?: boolean;
  /** Also try a topic 150 levels deep on both and print what happened. Default true. */
  deepTopics?: boolean;
}

export interface DeepTopicReport { levels: number; ours: DeepResult; aedes: DeepResult }

/** Every broker must deliver every numbered message, once, in order. Throws otherwise. */
async function checkDelivery(load: LoadProcess, broker: BrokerUnderTest, c: LoadCase): Promise<void> {
  const result = await load.request<CheckResult>({ type: 'check', port: broker.port, qos: c.qos, subscribers: c.subscribers, messages: c.checkMessages }, 60_000);
  const lost = result.received.filter((n) => n !== c.checkMessages);
  if (lost.length > 0 || result.duplicates > 0 || result.inOrder.includes(false)) {
    throw new Error(`${broker.name}, ${c.name}: ${c.checkMessages} messages published; subscribers received ${JSON.stringify([...new Set(result.received)])}, ` +
      `${result.duplicates} duplicates, ${result.inOrder.filter((x) => !x).length} out of order: not timing a broker that loses messages`);
  }
}

/**
 * Topics deeper than 100 levels: does each broker subscribe and deliver? (Aedes 1.x refuses more
 * than 100 levels: its qlobber tries are built with max_words 100. MQTT sets no such limit.)
 */
async function probeDeepTopics(load: LoadProcess, ours: BrokerUnderTest, aedes: BrokerUnderTest, levels = 150): Promise<DeepTopicReport> {
  return {
    levels,
    ours: await load.request<DeepResult>({ type: 'deep', port: ours.port, levels }, 15_000),
    aedes: await load.request<DeepResult>({ type: 'deep', port: aedes.port, levels }, 15_000),
  };
}

export async function runBrokerBench(options: BrokerBenchOptions = {}): Promise<BenchRow[]> {
  const rounds = options.rounds ?? 3;
  const durationMs = options.durationMs ?? 2500;
  const warmupMs = options.warmupMs ?? 500;
  const cases = CASES.filter((c) => options.cases === undefined || options.cases.includes(c.name));
  const load = new LoadProcess();
  const ours = await startOurs();
  const unbatched = await startOurs(false);
  const aedes = await startAedes();
  const rows: BenchRow[] = [];
  try {
    for (const c of cases) {
      await checkDelivery(load, ours, c);
      await checkDelivery(load, aedes, c);
    }
    for (const c of cases) {
      const oursRates: number[] = [];
      const aedesRates: number[] = [];
      const ratios: number[] = [];
      const unbatchedRates: number[] = [];
      const unbatchedRatios: number[] = [];
      const measure = async (broker: BrokerUnderTest) => {
        const result = await load.request<RunResult>({ type: 'run', port: broker.port, qos: c.qos, subscribers: c.subscribers, warmupMs, durationMs }, durationMs + warmupMs + 30_000);
        const rate = result.deliveries / result.seconds;
        if (options.verbose) console.log(`  ${c.name.padEnd(16)} ${broker.name.padEnd(6)} ${(rate / 1000).toFixed(1).padStart(7)} k msg/s (published ${result.published}, acked ${result.acked})`);
        return rate;
      };
      for (let round = 0; round < rounds; round++) {
        let a: number;
        let b: number;
        let u: number;
        if (round % 2 === 0) { a = await measure(ours); u = await measure(unbatched); b = await measure(aedes); }
        else { b = await measure(aedes); u = await measure(unbatched); a = await measure(ours); }
        oursRates.push(a);
        aedesRates.push(b);
        ratios.push(a / b);
        unbatchedRates.push(u);
        unbatchedRatios.push(u / b);
      }
      rows.push({ name: c.name, ours: median(oursRates), peer: median(aedesRates), peerName: 'Aedes', ratio: median(ratios), unit: 'msg/s', target: 1 });
      // The same host writing every packet on its own: what batching gains, against the same Aedes runs.
      rows.push({ name: `${c.name}, 1 write/packet`, ours: median(unbatchedRates), peer: median(aedesRates), peerName: 'Aedes', ratio: median(unbatchedRatios), unit: 'msg/s' });
    }
    if (options.deepTopics ?? true) {
      const deep = await probeDeepTopics(load, ours, aedes);
      console.log(`\nA topic ${deep.levels} levels deep (MQTT sets no limit):\n  ours:  ${deep.ours.detail}\n  Aedes: ${deep.aedes.detail}`);
    }
  } finally {
    await load.stop();
    await ours.close();
    await unbatched.close();
    await aedes.close();
  }
  return rows;
}

if (isMain(import.meta.url)) {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const rows = await runBrokerBench({ verbose: true, cases: only.length > 0 ? only : undefined });
  printTable('Broker throughput: ours vs Aedes (deliveries/s at the subscribers, median of 3 interleaved rounds)', rows);
}
