/**
 * A throwaway mosquitto broker on 127.0.0.1 for system tests: free ports, a temp config, no
 * persistence. stop() kills it and waits; a broker that is never stopped still dies with a
 * safety timer, so no broker outlives the test run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from './system-packages.ts';

export interface MosquittoOptions {
  /** Also listen for MQTT over WebSockets on a second port. */
  websockets?: boolean;
  /** Kill the broker after this long even if stop() is never called. Default 10 minutes. */
  maxLifetimeMs?: number;
  /** How long to wait for the port to accept connections. Default 5 s. */
  startTimeoutMs?: number;
}

export interface Mosquitto {
  port: number;
  wsPort?: number;
  pid: number;
  /** Everything the broker logged (log_dest stdout), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/** A port that was free a moment ago: bind port 0 on 127.0.0.1 and close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not get a free port'))));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once the child has exited (at once if it already has). */
export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** SIGTERM, then SIGKILL if it has not exited in time; resolves when it has exited. */
export async function killAndWait(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  if (await waitForExit(child, graceMs)) return;
  child.kill('SIGKILL');
  await waitForExit(child, 5000);
}

export async function startMosquitto(options: MosquittoOptions = {}): Promise<Mosquitto> {
  const binary = findBinary('mosquitto');
  if (binary === null) throw new Error('mosquitto is not installed (apt-get install mosquitto)');
  const port = await freePort();
  let wsPort = options.websockets ? await freePort() : undefined;
  while (wsPort === port) wsPort = await freePort();

  const dir = mkdtempSync(join(tmpdir(), 'mqtt-lab-mosquitto-'));
  const conf = join(dir, 'mosquitto.conf');
  const lines = [
    'per_listener_settings false',
    'allow_anonymous true',
    'persistence false',
    'log_dest stdout',
    'log_type all',
    `listener ${port} 127.0.0.1`,
    'protocol mqtt',
  ];
  if (wsPort !== undefined) lines.push(`listener ${wsPort} 127.0.0.1`, 'protocol websockets');
  writeFileSync(conf, `${lines.join('\n')}\n`);

  // Line-buffer its log (stdout into a pipe is block-buffered) so that log() is up to date.
  const stdbuf = findBinary('stdbuf');
  const child = stdbuf === null
    ? spawn(binary, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(stdbuf, ['-oL', binary, '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > 1_000_000) output = output.slice(-500_000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  let spawnError: Error | null = null;
  child.once('error', (error) => { spawnError = error; });

  const lifetime = setTimeout(() => { child.kill('SIGKILL'); }, options.maxLifetimeMs ?? 600_000);
  lifetime.unref();

  let stopped: Promise<void> | null = null;
  const stop = () => {
    stopped ??= (async () => {
      clearTimeout(lifetime);
      await killAndWait(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopped;
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 5000);
  for (;;) {
    if (spawnError !== null || child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`mosquitto exited before listening: ${spawnError ?? `exit ${child.exitCode ?? child.signalCode}`}\n${output}`);
    }
    const ready = (await canConnect(port)) && (wsPort === undefined || (await canConnect(wsPort)));
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`mosquitto did not accept connections on 127.0.0.1:${port} within the timeout\n${output}`);
    }
    await sleep(50);
  }

  return { port, wsPort, pid: child.pid!, log: () => output, stop };
}
