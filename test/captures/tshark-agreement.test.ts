/**
 * Our decoder against Wireshark's MQTT dissector, on real traffic: a mosquitto broker on
 * 127.0.0.1 is driven by mosquitto_pub/mosquitto_sub over MQTT 3.1, 3.1.1 and 5.0 while tshark
 * captures the loopback interface. Then every MQTT message Wireshark dissected is compared,
 * field by field, with what our StreamDecoder makes of the very bytes that crossed the wire
 * (each TCP stream reassembled per direction and fed in the segments TCP cut it into).
 *
 * Needs mosquitto, mosquitto-clients and tshark; installs them with apt-get when missing (CI runs
 * as root). Without them the suite FAILS: it must not pass by skipping.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex, PACKET_TYPE_NAMES, StreamDecoder } from '../../src/mqtt/codec/index.ts';
import type { DecodedPacket, Packet, ProtocolVersion } from '../../src/mqtt/codec/index.ts';
import { colonHex, comparePacket, Fields, type Comparison } from '../support/tshark-compare.ts';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.ts';
import { ensureDebianPackages, findBinary } from '../support/system-packages.ts';
import { dissect, removeCapture, startCapture, tcpPayloads, type Capture, type TcpStreamPayload, type TsharkMqttMessage } from '../support/tshark.ts';

const PACKAGES = { mosquitto: 'mosquitto', mosquitto_pub: 'mosquitto-clients', mosquitto_sub: 'mosquitto-clients', tshark: 'tshark', stdbuf: 'coreutils' };
const BIG_SIZE = 200_000;
const BIG_TOPIC = 'lab/big';
/** The idle subscriber's keepalive: it must stay idle that long to send a PINGREQ. */
const PING_KEEPALIVE = 5;

// ---------------------------------------------------------------------------------------------
// Running the MQTT command-line clients

interface Client {
  name: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when stdout+stderr match `pattern`; rejects after `timeoutMs` or if the client exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

const children = new Set<ChildProcess>();

function startClient(name: string, binary: string, args: string[], timeoutMs = 30_000): Client {
  // The clients block-buffer stdout into a pipe; `stdbuf -oL` (it execs, same pid) makes their
  // "received SUBACK" debug line arrive when it happens.
  const stdbuf = findBinary('stdbuf');
  const [command, argv] = stdbuf === null ? [binary, args] : [stdbuf, ['-oL', binary, ...args]];
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
  children.add(child);
  let output = '';
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (error) => {
      output += `\n(spawn error: ${error.message})`;
      children.delete(child);
      resolve({ code: null, signal: null });
    });
    child.once('close', (code, signal) => {
      children.delete(child);
      for (const listener of listeners) listener();
      resolve({ code, signal });
    });
  });
  const waitFor = (pattern: RegExp, ms = 10_000) => new Promise<void>((resolve, reject) => {
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      listeners.delete(check);
      if (error) reject(error);
      else resolve();
    };
    const check = () => {
      if (pattern.test(output)) finish();
      else if (child.exitCode !== null || child.signalCode !== null) finish(new Error(`${name} exited before printing ${pattern}:\n${output}`));
    };
    const timer = setTimeout(() => finish(new Error(`${name}: no ${pattern} within ${ms} ms:\n${output}`)), ms);
    listeners.add(check);
    check();
  });
  return { name, child, output: () => output, exited, waitFor };
}

async function expectSuccess(client: Client): Promise<string> {
  const { code, signal } = await client.exited;
  if (code !== 0) throw new Error(`${client.name} failed (exit ${code ?? signal}):\n${client.output()}`);
  return client.output();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Our side: decode each stream direction

interface Side {
  stream: number;
  fromBroker: boolean;
  version: ProtocolVersion;
  packets: DecodedPacket[];
  /** The bytes of this direction, to show a packet's hex in a failure. */
  bytes: Uint8Array;
  error?: string;
}

function decodeStream(payload: TcpStreamPayload): Side[] {
  const decodeSide = (fromBroker: boolean, version: ProtocolVersion): Side => {
    const decoder = new StreamDecoder({ protocolVersion: version, annotate: true });
    const packets: DecodedPacket[] = [];
    const side: Side = { stream: payload.stream, fromBroker, version, packets, bytes: fromBroker ? payload.fromBroker : payload.toBroker };
    try {
      // Fed in the segments TCP cut the stream into, so packets that span segments are exercised.
      for (const segment of payload.segments) if (segment.fromBroker === fromBroker) packets.push(...decoder.push(segment.bytes));
      if (decoder.pendingBytes !== 0) side.error = `${decoder.pendingBytes} bytes left over at the end of the stream`;
    } catch (error) {
      side.error = `decoder threw after ${packets.length} packets: ${error instanceof Error ? error.message : String(error)}`;
    }
    return side;
  };
  const client = decodeSide(false, 4);
  const connect = client.packets.find((d) => d.packet.type === 'CONNECT')?.packet;
  // No CONNECT flows broker→client: decode that direction with the version the client announced.
  const version = connect?.type === 'CONNECT' ? connect.protocolLevel : 4;
  client.version = version;
  return [client, decodeSide(true, version)];
}

function compareAll(messages: TsharkMqttMessage[], streams: TcpStreamPayload[]): Comparison & { sequences: Array<{ where: string; ours: string[]; tshark: string[]; error?: string }> } {
  const result: Comparison = { mismatches: [], packets: 0, checks: 0, byType: new Map(), versions: new Set(), fieldsCompared: new Set() };
  const sequences: Array<{ where: string; ours: string[]; tshark: string[]; error?: string }> = [];
  const streamIds = new Set([...streams.map((s) => s.stream), ...messages.map((m) => m.stream)]);
  for (const id of [...streamIds].sort((a, b) => a - b)) {
    const payload = streams.find((s) => s.stream === id);
    const sides = payload === undefined ? [] : decodeStream(payload);
    for (const fromBroker of [false, true]) {
      const where = `stream ${id} ${fromBroker ? 'broker→client' : 'client→broker'}`;
      const side = sides.find((s) => s.fromBroker === fromBroker);
      const ours = side?.packets ?? [];
      const theirs = messages.filter((m) => m.stream === id && m.fromBroker === fromBroker);
      const oursTypes = ours.map((d) => d.packet.type);
      const theirTypes = theirs.map((m) => PACKET_TYPE_NAMES[Number(new Fields(m.fields).one('mqtt.msgtype'))] ?? `type ${new Fields(m.fields).one('mqtt.msgtype')}`);
      sequences.push({ where, ours: oursTypes, tshark: theirTypes, error: side?.error });
      const n = Math.min(ours.length, theirs.length);
      for (let i = 0; i < n; i++) {
        const decoded = ours[i]!;
        result.packets++;
        result.byType.set(decoded.packet.type, (result.byType.get(decoded.packet.type) ?? 0) + 1);
        result.versions.add(side!.version);
        comparePacket(decoded, theirs[i]!, side!.version, `${where} #${i} (${decoded.packet.type}, frame ${theirs[i]!.frame}, MQTT ${side!.version})`, side!.bytes, result);
      }
    }
  }
  return { ...result, sequences };
}

// ---------------------------------------------------------------------------------------------

/** Deterministic bytes, every value 0–255 present. */
function bigPayload(size: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = 0x12345678;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = (x >>> 16) & 0xff;
  }
  return out;
}

describe('our decoder agrees with Wireshark on real mosquitto traffic', { timeout: 120_000 }, () => {
  let broker: Mosquitto | undefined;
  let capture: Capture | undefined;
  let workDir: string | undefined;
  let messages: TsharkMqttMessage[] = [];
  let streams: TcpStreamPayload[] = [];
  let comparison: ReturnType<typeof compareAll>;
  const subscriberOutput = new Map<string, string>();

  beforeAll(async () => {
    const ensured = ensureDebianPackages(PACKAGES);
    if (!ensured.ok) {
      throw new Error(`This test needs ${Object.values(PACKAGES).join(', ')} and could not install them `
        + `(missing: ${ensured.missing.join(', ')}). Run it as root on Debian/Ubuntu, or install them first.\n${ensured.log}`);
    }
    const pub = findBinary('mosquitto_pub')!;
    const sub = findBinary('mosquitto_sub')!;
    workDir = mkdtempSync(join(tmpdir(), 'mqtt-lab-tshark-'));
    const bigFile = join(workDir, 'big.bin');
    writeFileSync(bigFile, bigPayload(BIG_SIZE));

    broker = await startMosquitto();
    capture = await startCapture(broker.port);
    await sleep(200);
    const common = ['-h', '127.0.0.1', '-p', String(broker.port)];
    const publish = async (name: string, args: string[]) => expectSuccess(startClient(name, pub, [...common, ...args]));
    const subscribed = /received SUBACK/;

    // Subscribers first. -d prints "received SUBACK", our sign that the subscription is in place.
    const idle = startClient('idle v5 subscriber (PINGREQ)', sub, [...common, '-V', 'mqttv5', '-d', '-i', 'idle-v5', '-k', String(PING_KEEPALIVE),
      '-t', 'lab/ping', '-C', '1', '-W', '60', '-F', '%t %l'], 90_000);
    const s5 = startClient('v5 subscriber', sub, [...common, '-V', 'mqttv5', '-d', '-i', 'sub-v5', '-q', '2', '-t', 'lab/#',
      '-D', 'connect', 'session-expiry-interval', '30', '-D', 'connect', 'user-property', 'client', 'mqtt-lab',
      '-D', 'subscribe', 'user-property', 'why', 'agreement-test',
      '-C', '10', '-W', '60', '-F', '%t %l %r'], 90_000);
    const s311 = startClient('v3.1.1 subscriber', sub, [...common, '-V', 'mqttv311', '-d', '-i', 'sub-v311', '-c', '-k', '30', '-u', 'alice', '-P', 'secret',
      '-q', '1', '-t', 'lab/v311/#', '-t', BIG_TOPIC, '-U', 'lab/old/#', '-C', '3', '-W', '60', '-F', '%t %l %r'], 90_000);
    const s31 = startClient('v3.1 subscriber', sub, [...common, '-V', 'mqttv31', '-d', '-i', 'sub-v31', '-q', '2', '-t', 'lab/v31/#',
      '-C', '2', '-W', '60', '-F', '%t %l %r'], 90_000);
    await Promise.all([idle, s5, s311, s31].map((c) => c.waitFor(subscribed)));

    // MQTT 3.1
    await publish('v3.1 QoS 1', ['-V', 'mqttv31', '-t', 'lab/v31/a', '-m', 'hello 3.1', '-q', '1']);
    await publish('v3.1 QoS 2 retained', ['-V', 'mqttv31', '-t', 'lab/v31/b', '-m', 'exactly once', '-q', '2', '-r']);
    // MQTT 3.1.1 with a will, a username and password, a retained QoS 2 message
    await publish('v3.1.1 retained QoS 2 with will', ['-V', 'mqttv311', '-i', 'pub-v311', '-k', '42', '-u', 'bob', '-P', 'pw',
      '--will-topic', 'lab/will/v311', '--will-payload', 'pub-v311 is gone', '--will-qos', '1', '--will-retain',
      '-t', 'lab/v311/retained', '-m', 'keep me', '-r', '-q', '2']);
    // A late subscriber gets the retained message with RETAIN set.
    subscriberOutput.set('late v3.1.1 subscriber', await expectSuccess(startClient('late v3.1.1 subscriber', sub,
      [...common, '-V', 'mqttv311', '-t', 'lab/v311/retained', '-C', '1', '-W', '20', '-F', '%t %l %r'])));
    // MQTT 5.0 with properties everywhere: CONNECT, will, PUBLISH, DISCONNECT
    await publish('v5 QoS 1 with properties', ['-V', 'mqttv5', '-t', 'lab/v5/props', '-m', '{"hello":5}', '-q', '1',
      '-D', 'connect', 'session-expiry-interval', '30', '-D', 'connect', 'user-property', 'ck', 'cv', '-D', 'connect', 'receive-maximum', '10',
      '-D', 'connect', 'maximum-packet-size', '1000000', '-D', 'connect', 'topic-alias-maximum', '4', '-D', 'connect', 'request-problem-information', '1',
      '-D', 'publish', 'user-property', 'k', 'v', '-D', 'publish', 'user-property', 'k2', 'v2', '-D', 'publish', 'user-property', 'k', 'again',
      '-D', 'publish', 'content-type', 'application/json', '-D', 'publish', 'message-expiry-interval', '60',
      '-D', 'publish', 'correlation-data', 'corr-123', '-D', 'publish', 'response-topic', 'lab/v5/reply', '-D', 'publish', 'payload-format-indicator', '1',
      '--will-topic', 'lab/will/v5', '--will-payload', 'pub-v5 is gone', '--will-qos', '2',
      '-D', 'will', 'content-type', 'text/plain', '-D', 'will', 'user-property', 'wk', 'wv', '-D', 'will', 'message-expiry-interval', '120',
      '-D', 'will', 'will-delay-interval', '5', '-D', 'will', 'correlation-data', 'will-corr', '-D', 'will', 'response-topic', 'lab/v5/will-reply',
      '-D', 'disconnect', 'user-property', 'bye', 'now', '-D', 'disconnect', 'session-expiry-interval', '0']);
    await publish('v5 QoS 2', ['-V', 'mqttv5', '-t', 'lab/v5/qos2', '-m', 'two', '-q', '2', '-D', 'publish', 'message-expiry-interval', '60',
      '-D', 'publish', 'content-type', 'text/plain']);
    await publish('v5 QoS 0 retained', ['-V', 'mqttv5', '-t', 'lab/v5/retained', '-m', 'r5', '-r']);
    // Clearing a retained message: empty payload, RETAIN set.
    await publish('v3.1.1 clear retained', ['-V', 'mqttv311', '-t', 'lab/v311/retained', '-r', '-n']);
    // 200 kB: many TCP segments each way.
    await publish('v3.1.1 200 kB QoS 1', ['-V', 'mqttv311', '-t', BIG_TOPIC, '-f', bigFile, '-q', '1']);
    // A client that dies without DISCONNECT: the broker publishes its (5.0) will.
    const doomed = startClient('v5 client killed (will)', sub, [...common, '-V', 'mqttv5', '-d', '-i', 'doomed-v5', '-t', 'lab/nobody/#',
      '--will-topic', 'lab/will/doomed', '--will-payload', 'doomed-v5 died', '--will-qos', '1',
      '-D', 'will', 'user-property', 'cause', 'SIGKILL', '-D', 'will', 'payload-format-indicator', '1'], 30_000);
    await doomed.waitFor(subscribed);
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    // Let the idle subscriber reach its keepalive and ping (-d prints the PINGRESP), then release it.
    await idle.waitFor(/received PINGRESP/, (PING_KEEPALIVE + 10) * 1000);
    await publish('v5 wake the idle subscriber', ['-V', 'mqttv5', '-t', 'lab/ping', '-m', 'pong']);

    for (const client of [s5, s311, s31, idle]) subscriberOutput.set(client.name, await expectSuccess(client));
    await sleep(300);
    await capture.stop();

    [messages, streams] = await Promise.all([dissect(capture.file, broker.port), tcpPayloads(capture.file, broker.port)]);
    comparison = compareAll(messages, streams);
    console.info(`tshark agreement: ${streams.length} TCP streams, ${messages.length} MQTT messages dissected by tshark, `
      + `${comparison.packets} compared (${[...comparison.byType].map(([t, n]) => `${t} ${n}`).join(', ')}), `
      + `${comparison.checks} field checks over ${comparison.fieldsCompared.size} fields, ${comparison.mismatches.length} disagreements`);
    if (process.env.TSHARK_AGREEMENT_DEBUG) {
      console.info([...comparison.fieldsCompared].sort().join('\n'));
      console.info(comparison.sequences.map((x) => `${x.where}: ${x.ours.join(' ')}`).join('\n'));
    }
  }, 900_000);

  afterAll(async () => {
    for (const child of children) {
      child.kill('SIGKILL');
    }
    await capture?.stop();
    await broker?.stop();
    if (capture !== undefined) removeCapture(capture.file);
    if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
  }, 60_000);

  it('the subscribers received what was published', () => {
    expect(subscriberOutput.get('v5 subscriber')).toContain(`${BIG_TOPIC} ${BIG_SIZE} 0`);
    expect(subscriberOutput.get('v5 subscriber')).toContain('lab/will/doomed 14');
    expect(subscriberOutput.get('v3.1.1 subscriber')).toContain(`${BIG_TOPIC} ${BIG_SIZE} 0`);
    expect(subscriberOutput.get('v3.1 subscriber')).toContain('lab/v31/a 9 0');
    expect(subscriberOutput.get('late v3.1.1 subscriber')).toContain('lab/v311/retained 7 1');
  });

  it('captured enough traffic to compare, in all three versions', () => {
    expect(streams.length).toBeGreaterThanOrEqual(12);
    expect(messages.length).toBeGreaterThanOrEqual(60);
    expect(comparison.packets).toBeGreaterThanOrEqual(60);
    expect(comparison.checks).toBeGreaterThanOrEqual(500);
    expect([...comparison.versions].sort()).toEqual([3, 4, 5]);
    const connects = messages.filter((m) => new Fields(m.fields).one('mqtt.msgtype') === '1').map((m) => new Fields(m.fields).one('mqtt.ver'));
    expect(new Set(connects)).toEqual(new Set(['3', '4', '5']));
    const types = [...comparison.byType.keys()].sort();
    expect(types).toEqual(['CONNACK', 'CONNECT', 'DISCONNECT', 'PINGREQ', 'PINGRESP', 'PUBACK', 'PUBCOMP', 'PUBLISH', 'PUBREC', 'PUBREL',
      'SUBACK', 'SUBSCRIBE', 'UNSUBACK', 'UNSUBSCRIBE']);
    // The property checks must have run on real properties, not on empty lists.
    const props = messages.flatMap((m) => m.fields).filter((x) => x.name === 'mqtt.property_id').map((x) => Number(x.value));
    for (const id of [0x01, 0x02, 0x03, 0x08, 0x09, 0x11, 0x12, 0x17, 0x18, 0x21, 0x22, 0x26, 0x27]) expect(props, `property 0x${id.toString(16)}`).toContain(id);
    const publishes = messages.map((m) => ({ m, f: new Fields(m.fields) })).filter(({ f }) => f.one('mqtt.msgtype') === '3');
    for (const qos of ['0', '1', '2']) {
      expect(publishes.some(({ m, f }) => !m.fromBroker && f.one('mqtt.qos') === qos), `client PUBLISH QoS ${qos}`).toBe(true);
      expect(publishes.some(({ m, f }) => m.fromBroker && f.one('mqtt.qos') === qos), `broker PUBLISH QoS ${qos}`).toBe(true);
    }
    expect(publishes.some(({ m, f }) => m.fromBroker && f.one('mqtt.retain') === '1'), 'a retained message delivered with RETAIN').toBe(true);
    expect(publishes.some(({ f }) => f.one('mqtt.retain') === '1' && f.one('mqtt.len') === String(2 + 'lab/v311/retained'.length)), 'the retained clear').toBe(true);
    const withProperties = (type: string, block = 'mqtt.properties') => messages.filter((m) => new Fields(m.fields).one('mqtt.msgtype') === type
      && m.fields.some((x) => x.path[0] === block && x.name === 'mqtt.property_id')).length;
    expect(withProperties('1', 'mqtt.will_properties'), 'CONNECT with will properties').toBeGreaterThanOrEqual(2);
    expect(withProperties('3'), 'PUBLISH with properties').toBeGreaterThanOrEqual(4);
    expect(withProperties('14'), 'DISCONNECT with properties').toBeGreaterThanOrEqual(1);
    expect(withProperties('8'), 'SUBSCRIBE with properties').toBeGreaterThanOrEqual(1);
  });

  it('decodes every stream direction completely and finds the same packet sequence as Wireshark', () => {
    const problems = comparison.sequences.filter((s) => s.error !== undefined || s.ours.join(' ') !== s.tshark.join(' '));
    expect(problems, JSON.stringify(problems, null, 2)).toEqual([]);
  });

  it('agrees with Wireshark on every field of every packet', () => {
    const report = comparison.mismatches.map((m) => `${m.where}: ${m.field}: ours ${m.ours} ≠ tshark ${m.tshark}\n    ${m.hex}`).join('\n');
    expect(comparison.mismatches.length, `${comparison.mismatches.length} disagreements:\n${report}`).toBe(0);
  });

  it('reassembles the 200 kB PUBLISH once per direction, with the right length, in both decoders', () => {
    const bigHex = bytesToHex(bigPayload(BIG_SIZE));
    const theirs = messages.filter((m) => new Fields(m.fields).one('mqtt.topic') === BIG_TOPIC);
    // Publisher → broker, broker → the 5.0 subscriber, broker → the 3.1.1 subscriber.
    expect(theirs.length).toBe(3);
    for (const m of theirs) {
      const f = new Fields(m.fields);
      expect(colonHex(f.one('mqtt.msg')) === bigHex, `tshark's payload in stream ${m.stream}`).toBe(true);
      const sameDirection = theirs.filter((x) => x.stream === m.stream && x.fromBroker === m.fromBroker);
      expect(sameDirection.length).toBe(1);
    }
    const ours = streams.flatMap((s) => decodeStream(s).flatMap((side) => side.packets.map((d) => ({ side, d }))))
      .filter(({ d }) => d.packet.type === 'PUBLISH' && d.packet.topic === BIG_TOPIC);
    expect(ours.length).toBe(3);
    for (const { side, d } of ours) {
      const p = d.packet as Extract<Packet, { type: 'PUBLISH' }>;
      expect(p.payload.length).toBe(BIG_SIZE);
      expect(bytesToHex(p.payload) === bigHex).toBe(true);
      const match = theirs.find((m) => m.stream === side.stream && m.fromBroker === side.fromBroker)!;
      expect(d.remainingLength).toBe(Number(new Fields(match.fields).one('mqtt.len')));
      // It really did span many segments.
      const segments = streams.find((s) => s.stream === side.stream)!.segments.filter((s) => s.fromBroker === side.fromBroker);
      expect(segments.length).toBeGreaterThan(1);
    }
  });
});
