/**
 * Soak: our broker (`npm run broker`, its own process) against Debian's mosquitto, driven by the
 * same MQTT.js load from this process. Each round: 300 clients each subscribe to their own topic
 * at QoS 1 and publish 200 QoS 1 messages to it, and 200 more clients with wills connect and
 * vanish without DISCONNECT (a watcher counts the wills). Rounds repeat until 1,000,000 messages
 * have been published; the broker's RSS is read from /proc at 10 points along the way. Every
 * message and every will must arrive, or the soak stops.
 *
 *   npm run bench -- soak          (or: node --experimental-strip-types test/bench/broker-soak.ts [messages])
 *
 * The broker runs with no event listener (`--quiet`), as in production: the in-memory event log
 * exists only where someone listens (the lab).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectAsync, type MqttClient } from 'mqtt';
import { findBinary } from '../support/system-packages.ts';
import { isMain, type BenchRow } from './harness.ts';

const CLIENTS = 300;
const PER_CLIENT = 200;
const VANISHING = 200;
const POINTS = 10;

interface Target { name: string; port: number; pid: number; stop(): Promise<void> }

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) { resolve(); return; }
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGTERM');
  });
}

async function waitForPort(port: number, child: ChildProcess, what: string): Promise<void> {
  // Generous: starting Node with type stripping takes seconds on a loaded machine.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited before listening`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createServer().listen(port, '127.0.0.1');
      socket.once('listening', () => socket.close(() => resolve(false)));
      socket.once('error', () => resolve(true));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not listen on ${port}`);
}

async function startOursProcess(): Promise<Target> {
  const port = await freePort();
  const cli = fileURLToPath(new URL('../../src/cli/broker.ts', import.meta.url));
  const child = spawn(process.execPath, ['--experimental-strip-types', '--no-warnings', cli, '--port', String(port), '--ws-port', 'off', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await waitForPort(port, child, 'our broker').catch(async (error: unknown) => { await stopChild(child); throw error; });
  return { name: 'ours', port, pid: child.pid!, stop: () => stopChild(child) };
}

async function startMosquittoProcess(): Promise<Target> {
  const binary = findBinary('mosquitto');
  if (binary === null) throw new Error('the soak needs mosquitto (apt-get install mosquitto)');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'soak-mosquitto-'));
  const conf = join(dir, 'mosquitto.conf');
  // Quiet and unlimited, as a production broker: no per-message log, no queue cap below ours.
  writeFileSync(conf, ['allow_anonymous true', 'persistence false', 'log_dest none', `listener ${port} 127.0.0.1`, 'max_queued_messages 1000', ''].join('\n'));
  const child = spawn(binary, ['-c', conf], { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForPort(port, child, 'mosquitto').catch(async (error: unknown) => { await stopChild(child); throw error; });
  return { name: 'mosquitto', port, pid: child.pid!, stop: async () => { await stopChild(child); rmSync(dir, { recursive: true, force: true }); } };
}

/** Resident set size of a process, in MB (Linux /proc). */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

let runId = 0;

/** One round against one broker: returns the messages published. Throws if anything is lost. */
async function round(target: Target): Promise<number> {
  const id = `${target.name}-${++runId}`;
  const options = { protocolVersion: 4 as const, reconnectPeriod: 0, connectTimeout: 30_000, keepalive: 60, clean: true };
  const watcher = await connectAsync(`mqtt://127.0.0.1:${target.port}`, { ...options, clientId: `${id}-watch` });
  let wills = 0;
  watcher.on('message', () => { wills++; });
  await watcher.subscribeAsync(`soak/${id}/will/#`, { qos: 1 });

  const clients: MqttClient[] = [];
  for (let i = 0; i < CLIENTS; i += 50) {
    clients.push(...await Promise.all(Array.from({ length: Math.min(50, CLIENTS - i) }, (_, k) => connectAsync(`mqtt://127.0.0.1:${target.port}`, { ...options, clientId: `${id}-c${i + k}` }))));
  }
  const received = new Array<number>(CLIENTS).fill(0);
  await Promise.all(clients.map(async (client, i) => {
    client.on('message', () => { received[i]!++; });
    await client.subscribeAsync(`soak/${id}/${i}`, { qos: 1 });
  }));
  const payload = Buffer.alloc(64, 0x61);
  // Everyone publishes their 200 at once (MQTT.js queues what is beyond the broker's window).
  const publishing = clients.map((client, i) => Promise.all(Array.from({ length: PER_CLIENT }, () => client.publishAsync(`soak/${id}/${i}`, payload, { qos: 1 }))));

  // Meanwhile, 200 clients with wills vanish without DISCONNECT.
  const vanish = async () => {
    for (let j = 0; j < VANISHING; j += 25) {
      await Promise.all(Array.from({ length: Math.min(25, VANISHING - j) }, async (_, k) => {
        const client = await connectAsync(`mqtt://127.0.0.1:${target.port}`, { ...options, clientId: `${id}-v${j + k}`, will: { topic: `soak/${id}/will/${j + k}`, payload: Buffer.from('gone'), qos: 1, retain: false } });
        // Errors after the socket is cut are expected; without a listener they would end the process.
        client.on('error', () => {});
        client.stream.destroy();
        client.end(true);
      }));
    }
  };
  await Promise.all([...publishing, vanish()]);
  const deadline = Date.now() + 60_000;
  while ((received.some((n) => n < PER_CLIENT) || wills < VANISHING) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const short = received.filter((n) => n < PER_CLIENT).length;
  await Promise.all([...clients, watcher].map((c) => c.endAsync()));
  if (short > 0 || wills < VANISHING) throw new Error(`${target.name}: ${short} clients missed messages, ${wills}/${VANISHING} wills arrived`);
  return CLIENTS * PER_CLIENT;
}

export interface SoakResult { name: string; seconds: number; messages: number; rss: Array<{ messages: number; mb: number }> }

async function soak(target: Target, totalMessages: number, log: (line: string) => void): Promise<SoakResult> {
  const perRound = CLIENTS * PER_CLIENT;
  const rounds = Math.ceil(totalMessages / perRound);
  const sampleAt = new Set(Array.from({ length: POINTS }, (_, k) => Math.max(1, Math.round(((k + 1) * rounds) / POINTS))));
  const rss: SoakResult['rss'] = [];
  let messages = 0;
  let seconds = 0;
  for (let r = 1; r <= rounds; r++) {
    const start = performance.now();
    messages += await round(target);
    seconds += (performance.now() - start) / 1000;
    if (sampleAt.has(r)) {
      rss.push({ messages, mb: rssMb(target.pid) });
      log(`  ${target.name.padEnd(9)} ${String(messages).padStart(8)} messages  ${seconds.toFixed(1).padStart(6)} s  RSS ${rss[rss.length - 1]!.mb.toFixed(1)} MB`);
    }
  }
  return { name: target.name, seconds, messages, rss };
}

export async function runSoakBench(totalMessages = 1_000_000, log: (line: string) => void = console.log): Promise<BenchRow[]> {
  log(`\nSoak: ${CLIENTS} MQTT.js clients × ${PER_CLIENT} QoS 1 messages to their own subscription + ${VANISHING} vanishing clients with wills, per round, to ${totalMessages} messages`);
  const results: SoakResult[] = [];
  for (const start of [startOursProcess, startMosquittoProcess]) {
    const target = await start();
    try {
      results.push(await soak(target, totalMessages, log));
    } finally {
      await target.stop();
    }
  }
  const [ours, mosquitto] = results as [SoakResult, SoakResult];
  log(`\n  time: ours ${ours.seconds.toFixed(1)} s, mosquitto ${mosquitto.seconds.toFixed(1)} s, ratio ${(ours.seconds / mosquitto.seconds).toFixed(2)}× (goal ≤ 1.2×)`);
  log(`  RSS ours (MB):      ${ours.rss.map((p) => p.mb.toFixed(0)).join(' ')}`);
  log(`  RSS mosquitto (MB): ${mosquitto.rss.map((p) => p.mb.toFixed(0)).join(' ')}`);
  return [{ name: `soak, ${ours.messages} messages`, ours: ours.messages / ours.seconds, peer: mosquitto.messages / mosquitto.seconds, peerName: 'mosquitto', ratio: mosquitto.seconds / ours.seconds, unit: 'msg/s', target: 1 / 1.2 }];
}

if (isMain(import.meta.url)) {
  const total = Number(process.argv[2] ?? 1_000_000);
  await runSoakBench(total);
}
