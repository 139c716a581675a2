/**
 * Debian's mosquitto_pub and mosquitto_sub (libmosquitto, a C client nobody here wrote) against
 * OUR broker's TCP listener, started in this process on a free port, over MQTT 3.1.1 and 5.0:
 * QoS 0/1/2 delivery, retained messages, user properties, a persistent session's queue, and a
 * will sent when the client is killed.
 *
 * Needs mosquitto-clients; installs it with apt-get when missing (CI runs as root). Without it
 * the suite FAILS: it must not pass by skipping.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeBroker, type NodeBroker } from '../../src/cli/node-broker.ts';
import { killAndWait } from '../support/mosquitto.ts';
import { ensureDebianPackages, findBinary } from '../support/system-packages.ts';

const PACKAGES = { mosquitto_pub: 'mosquitto-clients', mosquitto_sub: 'mosquitto-clients', stdbuf: 'coreutils' };
const VERSIONS = [['mqttv311', '3.1.1'], ['mqttv5', '5.0']] as const;

let node: NodeBroker | null = null;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  const ensured = ensureDebianPackages(PACKAGES);
  if (!ensured.ok) throw new Error(`This suite needs mosquitto_pub and mosquitto_sub (Debian "mosquitto-clients") and could not install them:\n${ensured.log}`);
  node = await startNodeBroker({ port: 0, wsPort: null, host: '127.0.0.1', tickInterval: 100 });
}, 600_000);

afterAll(async () => {
  await Promise.all([...children].map((child) => killAndWait(child, 'SIGKILL', 1000)));
  await node?.close();
});

interface Run {
  child: ChildProcess;
  stdout(): string;
  /** The lines printed so far (complete lines only). */
  lines(): string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/**
 * Runs mosquitto_pub / mosquitto_sub against our listener. The clients block-buffer stdout into a
 * pipe; `stdbuf -oL` (it execs, same pid) makes each message line arrive when it is printed.
 * Killed after `timeoutMs` whatever happens.
 */
function run(binary: 'mosquitto_pub' | 'mosquitto_sub', args: string[], options: { stdin?: string; timeoutMs?: number } = {}): Run {
  const path = findBinary(binary)!;
  const stdbuf = findBinary('stdbuf');
  const full = ['-h', '127.0.0.1', '-p', String(node!.port), ...args];
  const [command, argv] = stdbuf === null ? [path, full] : [stdbuf, ['-oL', path, ...full]];
  const child = spawn(command, argv, { stdio: ['pipe', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 15_000, killSignal: 'SIGKILL' });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
  child.stdin!.on('error', () => {});
  if (options.stdin !== undefined) child.stdin!.end(options.stdin);
  else child.stdin!.end();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.once('error', (error) => { stderr += `\n(spawn error: ${error.message})`; });
    child.once('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    stdout: () => stdout,
    lines: () => stdout.split('\n').slice(0, -1),
    exited,
  };
}

/**
 * Resolves once our broker has the subscription `filter` for `clientId` (so a publish after it
 * cannot race the SUBSCRIBE); rejects after `timeoutMs`.
 */
function subscribed(clientId: string, filter: string, timeoutMs = 5000): Promise<void> {
  const broker = node!.broker;
  const has = () => broker.sessions.get(clientId)?.subscriptions.has(filter) === true && broker.sessions.get(clientId)?.connection !== null;
  return new Promise((resolve, reject) => {
    if (has()) { resolve(); return; }
    const timer = setInterval(() => {
      if (has()) { clearInterval(timer); clearTimeout(timeout); resolve(); }
    }, 10);
    const timeout = setTimeout(() => {
      clearInterval(timer);
      reject(new Error(`${clientId} did not subscribe to ${filter} within ${timeoutMs} ms`));
    }, timeoutMs);
  });
}

/** Resolves once no session of `clientId` is online. */
function offline(clientId: string, timeoutMs = 5000): Promise<void> {
  const broker = node!.broker;
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      const session = broker.sessions.get(clientId);
      if (session === undefined || session.connection === null) { clearInterval(timer); resolve(); }
      else if (Date.now() - started > timeoutMs) { clearInterval(timer); reject(new Error(`${clientId} still online after ${timeoutMs} ms`)); }
    }, 10);
  });
}

describe.concurrent('mosquitto_pub and mosquitto_sub against our broker', () => {
  for (const [flag, name] of VERSIONS) {
    for (const qos of [0, 1, 2] as const) {
      it(`${name}: mosquitto_sub at QoS ${qos} receives, in order and at QoS ${qos}, the three messages mosquitto_pub sends at QoS ${qos}`, async ({ expect }) => {
        const topic = `lab/${flag}/qos${qos}`;
        const subId = `sub-${flag}-${qos}`;
        const sub = run('mosquitto_sub', ['-V', flag, '-i', subId, '-t', topic, '-q', String(qos), '-C', '3', '-W', '10', '-F', '%t|%q|%r|%p']);
        await subscribed(subId, topic);
        const pub = run('mosquitto_pub', ['-V', flag, '-i', `pub-${flag}-${qos}`, '-t', topic, '-q', String(qos), '-l'], { stdin: 'one\ntwo\nthree\n' });
        const [published, received] = await Promise.all([pub.exited, sub.exited]);
        expect(published.code, published.stderr).toBe(0);
        expect(received.code, `${received.stderr}\n${received.stdout}`).toBe(0);
        expect(received.stdout.split('\n').filter((l) => l !== '')).toEqual(['one', 'two', 'three'].map((p) => `${topic}|${qos}|0|${p}`));
      });
    }

    it(`${name}: a message published at QoS 2 reaches a QoS 1 mosquitto_sub at QoS 1, and one at QoS 1 a QoS 0 subscriber at QoS 0`, async ({ expect }) => {
      const topic = `lab/${flag}/downgrade`;
      const sub1 = run('mosquitto_sub', ['-V', flag, '-i', `dg1-${flag}`, '-t', topic, '-q', '1', '-C', '2', '-W', '10', '-F', '%q|%p']);
      const sub0 = run('mosquitto_sub', ['-V', flag, '-i', `dg0-${flag}`, '-t', topic, '-q', '0', '-C', '2', '-W', '10', '-F', '%q|%p']);
      await Promise.all([subscribed(`dg1-${flag}`, topic), subscribed(`dg0-${flag}`, topic)]);
      expect((await run('mosquitto_pub', ['-V', flag, '-t', topic, '-q', '2', '-m', 'sent at 2']).exited).code).toBe(0);
      expect((await run('mosquitto_pub', ['-V', flag, '-t', topic, '-q', '1', '-m', 'sent at 1']).exited).code).toBe(0);
      const [one, zero] = await Promise.all([sub1.exited, sub0.exited]);
      expect(one.stdout.trim().split('\n')).toEqual(['1|sent at 2', '1|sent at 1']);
      expect(zero.stdout.trim().split('\n')).toEqual(['0|sent at 2', '0|sent at 1']);
    });

    it(`${name}: a retained message reaches a mosquitto_sub -C 1 that subscribes later, with the retain flag; an empty retained message clears it`, async ({ expect }) => {
      const topic = `lab/${flag}/retained`;
      expect((await run('mosquitto_pub', ['-V', flag, '-t', topic, '-q', '1', '-r', '-m', 'first']).exited).code).toBe(0);
      expect((await run('mosquitto_pub', ['-V', flag, '-t', topic, '-q', '1', '-r', '-m', 'kept']).exited).code).toBe(0);
      const late = await run('mosquitto_sub', ['-V', flag, '-t', topic, '-q', '1', '-C', '1', '-W', '10', '-F', '%r|%q|%p']).exited;
      expect(late.code, late.stderr).toBe(0);
      expect(late.stdout).toBe('1|1|kept\n');
      // -n: a zero-length payload, which with -r clears the retained message.
      expect((await run('mosquitto_pub', ['-V', flag, '-t', topic, '-q', '1', '-r', '-n']).exited).code).toBe(0);
      expect(node!.broker.retained.match(topic, Date.now())).toEqual([]);
      // -W 1: wait a second for anything; nothing comes, and the client exits on the timeout.
      const after = await run('mosquitto_sub', ['-V', flag, '-t', topic, '-C', '1', '-W', '1', '-F', '%r|%p']).exited;
      expect(after.stdout).toBe('');
    });

    it(`${name}: a persistent mosquitto_sub session (-c) gets the QoS 1 messages published while it was away`, async ({ expect }) => {
      const topic = `lab/${flag}/persistent`;
      const id = `persist-${flag}`;
      // -E: exit once subscribed; -c keeps the session (5.0: -c means Session Expiry "never").
      const first = await run('mosquitto_sub', ['-V', flag, '-c', '-i', id, '-t', topic, '-q', '1', '-E']).exited;
      expect(first.code, first.stderr).toBe(0);
      await offline(id);
      expect(node!.broker.sessions.get(id)?.subscriptions.has(topic)).toBe(true);
      expect((await run('mosquitto_pub', ['-V', flag, '-t', topic, '-q', '1', '-l'], { stdin: 'while away 1\nwhile away 2\n' }).exited).code).toBe(0);
      const back = await run('mosquitto_sub', ['-V', flag, '-c', '-i', id, '-t', topic, '-q', '1', '-C', '2', '-W', '10', '-F', '%q|%p']).exited;
      expect(back.code, back.stderr).toBe(0);
      expect(back.stdout.trim().split('\n')).toEqual(['1|while away 1', '1|while away 2']);
    });

    it(`${name}: killing a connected mosquitto_sub (no DISCONNECT) makes our broker publish its will`, async ({ expect }) => {
      const willTopic = `lab/${flag}/will`;
      const watcherId = `will-watch-${flag}`;
      const watcher = run('mosquitto_sub', ['-V', flag, '-i', watcherId, '-t', willTopic, '-q', '1', '-C', '1', '-W', '10', '-F', '%t|%q|%r|%p']);
      await subscribed(watcherId, willTopic);
      const doomedId = `doomed-${flag}`;
      const doomed = run('mosquitto_sub', ['-V', flag, '-i', doomedId, '-t', `lab/${flag}/anything`, '--will-topic', willTopic, '--will-payload', 'doomed went away', '--will-qos', '1']);
      await subscribed(doomedId, `lab/${flag}/anything`);
      doomed.child.kill('SIGKILL');
      const seen = await watcher.exited;
      expect(seen.code, seen.stderr).toBe(0);
      expect(seen.stdout).toBe(`${willTopic}|1|0|doomed went away\n`);
      await doomed.exited;
    });

    it(`${name}: mosquitto_sub that disconnects normally leaves no will behind`, async ({ expect }) => {
      const willTopic = `lab/${flag}/no-will`;
      const watcherId = `nowill-watch-${flag}`;
      const watcher = run('mosquitto_sub', ['-V', flag, '-i', watcherId, '-t', willTopic, '-C', '1', '-W', '2', '-F', '%p']);
      await subscribed(watcherId, willTopic);
      // -E: subscribes, then DISCONNECTs cleanly.
      const polite = await run('mosquitto_sub', ['-V', flag, '-t', `lab/${flag}/x`, '-E', '--will-topic', willTopic, '--will-payload', 'must not appear']).exited;
      expect(polite.code, polite.stderr).toBe(0);
      const seen = await watcher.exited;
      expect(seen.stdout).toBe('');
    });
  }

  it('5.0: user properties and the content type set with mosquitto_pub -D arrive at mosquitto_sub, user properties in order', async ({ expect }) => {
    const topic = 'lab/mqttv5/properties';
    const sub = run('mosquitto_sub', ['-V', 'mqttv5', '-i', 'props-sub', '-t', topic, '-C', '1', '-W', '10', '-F', '%P|%C|%p']);
    await subscribed('props-sub', topic);
    const pub = await run('mosquitto_pub', [
      '-V', 'mqttv5', '-t', topic, '-m', '21.5',
      '-D', 'publish', 'user-property', 'unit', 'celsius',
      '-D', 'publish', 'user-property', 'sensor', 'a1',
      '-D', 'publish', 'user-property', 'unit', 'again',
      '-D', 'publish', 'content-type', 'text/plain',
    ]).exited;
    expect(pub.code, pub.stderr).toBe(0);
    const seen = await sub.exited;
    expect(seen.code, seen.stderr).toBe(0);
    expect(seen.stdout).toBe('unit:celsius sensor:a1 unit:again|text/plain|21.5\n');
  });
});
