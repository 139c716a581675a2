/**
 * Capture files recorded during the test: tshark writes the same loopback traffic (Debian
 * mosquitto over TCP and over WebSocket, MQTT 3.1.1 and 5.0, a 1 MB payload over many segments)
 * into a pcapng file, and `tshark -F pcap` writes the same frames as a classic pcap. Our capture reader must find every MQTT packet tshark's
 * dissector finds, in the same frame and at the same time, and agree on every field (type,
 * remaining length, topic, packet id, payload bytes, properties…).
 *
 * tshark 4.0 does not pass WebSocket payloads to its MQTT dissector, so for WebSocket we check
 * byte for byte that our MQTT stream is the concatenation of the payloads tshark unmasked, then
 * put those bytes into a plain-TCP pcap (test/support/capture-builder.ts) for tshark to dissect
 * and compare field by field as well.
 *
 * Needs mosquitto, mosquitto-clients and tshark (installed with apt-get when missing, as on CI).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePacket, PACKET_TYPE_NAMES, bytesToHex } from '../../src/mqtt/codec/index.ts';
import { analyseCapture, type CaptureAnalysis, type CaptureConnection, type CapturedPacket } from '../../src/input/index.ts';
import { captureCliOutput, timestampText } from '../../src/cli/decode-capture.ts';
import { concat, pcapFile, TcpConversation, type BuiltFrame } from '../support/capture-builder.ts';
import { dissectMqtt, record, runTshark, webSocketPayloads, type DissectedMessage, type Recording, type WebSocketData } from '../support/capture-recorder.ts';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.ts';
import { ensureDebianPackages, findBinary } from '../support/system-packages.ts';
import { comparePacket, Fields, newComparison, type Comparison } from '../support/tshark-compare.ts';

const PACKAGES = { mosquitto: 'mosquitto', mosquitto_pub: 'mosquitto-clients', mosquitto_sub: 'mosquitto-clients', tshark: 'tshark', stdbuf: 'coreutils' };
const MEGABYTE = 1024 * 1024;

function bigPayload(size: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = 0x9e3779b9;
  for (let i = 0; i < size; i++) { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; out[i] = x >>> 24; }
  return out;
}

function run(binary: string, args: string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdbuf = findBinary('stdbuf');
    const child = stdbuf === null ? spawn(binary, args) : spawn(stdbuf, ['-oL', binary, ...args]);
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { out += c.toString(); });
    child.once('close', (code) => { clearTimeout(timer); if (code === 0) resolve(out); else reject(new Error(`${binary} ${args.join(' ')} exited ${code}:\n${out}`)); });
  });
}

function waitForOutput(child: ReturnType<typeof spawn>, pattern: RegExp, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = (c: Buffer) => { out += c.toString(); if (pattern.test(out)) { clearTimeout(timer); resolve(); } };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
  });
}

/** MQTT.js over WebSocket: subscribe, publish QoS 1 and 2 with properties, receive them, disconnect. */
async function webSocketSession(port: number, protocolVersion: 4 | 5, id: string): Promise<void> {
  const client = await mqtt.connectAsync(`ws://127.0.0.1:${port}/mqtt`, { protocolVersion, clientId: id, reconnectPeriod: 0, connectTimeout: 5000 });
  const received = new Promise<void>((resolve) => {
    let n = 0;
    client.on('message', () => { if (++n === 2) resolve(); });
  });
  await client.subscribeAsync(`cap/ws/${id}/#`, { qos: 2 });
  const properties = protocolVersion === 5 ? { userProperties: { source: 'ws', n: '1' }, contentType: 'text/plain', messageExpiryInterval: 60 } : undefined;
  await client.publishAsync(`cap/ws/${id}/one`, `hello from ${id}`, { qos: 1, properties });
  await client.publishAsync(`cap/ws/${id}/two`, Buffer.alloc(3000, 0x5a), { qos: 2 });
  await received;
  await client.endAsync();
}

interface Agreement extends Comparison { sequenceProblems: string[]; frameProblems: string[]; timeProblems: string[] }

const brokerSide = (c: CaptureConnection) => c.broker.port;

/** Our packets of every MQTT-over-TCP connection against tshark's messages, stream by stream. */
function compareWithTshark(analysis: CaptureAnalysis, messages: DissectedMessage[], timeDigits: number): Agreement {
  const result: Agreement = { ...newComparison(), sequenceProblems: [], frameProblems: [], timeProblems: [] };
  const streams = new Set(messages.map((m) => m.stream));
  for (const stream of [...streams].sort((a, b) => a - b)) {
    const connection = analysis.connections.find((c) => c.stream === stream);
    if (connection === undefined) { result.sequenceProblems.push(`stream ${stream}: we found no connection`); continue; }
    for (const direction of ['client-to-broker', 'broker-to-client'] as const) {
      const theirs = messages.filter((m) => m.stream === stream && (m.srcPort === brokerSide(connection)) === (direction === 'broker-to-client'));
      const ours = connection.packets.filter((p) => p.direction === direction);
      const where = `stream ${stream} ${direction}`;
      const theirTypes = theirs.map((m) => PACKET_TYPE_NAMES[Number(new Fields(m.fields).one('mqtt.msgtype'))]);
      if (ours.map((p) => p.type).join(' ') !== theirTypes.join(' ')) result.sequenceProblems.push(`${where}: ours ${ours.map((p) => p.type).join(' ')} ≠ tshark ${theirTypes.join(' ')}`);
      for (let i = 0; i < Math.min(ours.length, theirs.length); i++) {
        comparePacketWith(ours[i]!, theirs[i]!, `${where} #${i}`, result);
        if (ours[i]!.frame !== theirs[i]!.frame) result.frameProblems.push(`${where} #${i}: frame ${ours[i]!.frame} ≠ tshark ${theirs[i]!.frame}`);
        const time = timestampText(ours[i]!.time).slice(0, 11 + timeDigits);
        if (time !== theirs[i]!.time.slice(0, 11 + timeDigits)) result.timeProblems.push(`${where} #${i}: time ${time} ≠ tshark ${theirs[i]!.time}`);
      }
    }
  }
  return result;
}

function comparePacketWith(ours: CapturedPacket, theirs: DissectedMessage, where: string, result: Comparison): void {
  expect(ours.packet, `${where}: we flagged it malformed: ${ours.error?.message}`).not.toBeNull();
  const decoded = decodePacket(ours.bytes, { protocolVersion: ours.protocolVersion, annotate: true });
  result.packets++;
  result.byType.set(decoded.packet.type, (result.byType.get(decoded.packet.type) ?? 0) + 1);
  result.versions.add(ours.protocolVersion);
  comparePacket(decoded, { frame: theirs.frame, stream: theirs.stream, fromBroker: ours.direction === 'broker-to-client', fields: theirs.fields },
    ours.protocolVersion, `${where} (${decoded.packet.type}, frame ${theirs.frame})`, ours.bytes, result);
}

const report = (c: Comparison) => c.mismatches.slice(0, 30).map((m) => `${m.where}: ${m.field}: ours ${m.ours} ≠ tshark ${m.tshark}\n    ${m.hex}`).join('\n');

describe('capture files recorded from mosquitto agree with tshark', { timeout: 120_000 }, () => {
  let broker: Mosquitto | undefined;
  let dir = '';
  const recordings: Recording[] = [];
  const files: Record<'pcap' | 'pcapng', { bytes: Uint8Array; analysis: CaptureAnalysis; messages: DissectedMessage[]; ws: WebSocketData[]; ms: number }> = {} as never;
  const big = bigPayload(MEGABYTE);

  beforeAll(async () => {
    const ensured = ensureDebianPackages(PACKAGES);
    if (!ensured.ok) throw new Error(`needs ${Object.values(PACKAGES).join(', ')}; missing ${ensured.missing.join(', ')}\n${ensured.log}`);
    dir = mkdtempSync(join(tmpdir(), 'mqtt-lab-capture-file-'));
    const bigFile = join(dir, 'big.bin');
    writeFileSync(bigFile, big);
    broker = await startMosquitto({ websockets: true });
    const filter = `tcp port ${broker.port} or tcp port ${broker.wsPort}`;
    // record() returns only once its UDP probe datagrams are in the file, so the capture is live.
    recordings.push(await record(join(dir, 'traffic.pcapng'), filter, 'pcapng'));

    const pub = findBinary('mosquitto_pub')!;
    const subBinary = findBinary('mosquitto_sub')!;
    const common = ['-h', '127.0.0.1', '-p', String(broker.port)];
    const stdbuf = findBinary('stdbuf');
    const subArgs = [...common, '-V', 'mqttv5', '-d', '-i', 'cap-sub-v5', '-q', '2', '-t', 'cap/#', '-C', '6', '-W', '60',
      '-D', 'connect', 'session-expiry-interval', '30', '-D', 'subscribe', 'user-property', 'why', 'capture-test'];
    const sub = stdbuf === null ? spawn(subBinary, subArgs) : spawn(stdbuf, ['-oL', subBinary, ...subArgs]);
    const subDone = new Promise<void>((resolve) => sub.once('close', () => resolve()));
    await waitForOutput(sub, /received SUBACK/);
    await run(pub, [...common, '-V', 'mqttv311', '-i', 'cap-pub-311', '-t', 'cap/big', '-f', bigFile, '-q', '1']);
    await run(pub, [...common, '-V', 'mqttv5', '-i', 'cap-pub-5', '-t', 'cap/five', '-m', '{"v":5}', '-q', '2',
      '-D', 'publish', 'user-property', 'k', 'v', '-D', 'publish', 'content-type', 'application/json', '-D', 'publish', 'correlation-data', 'c-1',
      '-D', 'publish', 'response-topic', 'cap/reply', '-D', 'publish', 'message-expiry-interval', '30']);
    await run(pub, [...common, '-V', 'mqttv311', '-i', 'cap-pub-retain', '-t', 'cap/retained', '-m', 'kept', '-q', '1', '-r']);
    await webSocketSession(broker.wsPort!, 5, 'ws-five');
    await webSocketSession(broker.wsPort!, 4, 'ws-four');
    await run(pub, [...common, '-V', 'mqttv311', '-t', 'cap/retained', '-r', '-n']);
    await run(pub, [...common, '-V', 'mqttv5', '-t', 'cap/last', '-m', 'bye']);
    await Promise.race([subDone, new Promise((r) => setTimeout(r, 20_000))]);
    sub.kill('SIGKILL');
    // stop() waits for an end marker in the file: every frame sent before it is in the file too.
    for (const r of recordings) await r.stop();
    const t = recordings[0]!.timings;
    console.info(`recording: live after ${t.startMs} ms (${t.startProbes} probe datagrams), all traffic in the file ${t.endMs} ms after the last exchange (${t.endProbes})`);
    await runTshark(['-r', join(dir, 'traffic.pcapng'), '-F', 'pcap', '-w', join(dir, 'traffic.pcap')]);

    for (const format of ['pcap', 'pcapng'] as const) {
      const file = join(dir, `traffic.${format}`);
      const bytes = new Uint8Array(readFileSync(file));
      const t0 = performance.now();
      const analysis = analyseCapture(bytes);
      const ms = performance.now() - t0;
      const [messages, ws] = await Promise.all([dissectMqtt(file, [broker.port]), webSocketPayloads(file, broker.wsPort!)]);
      files[format] = { bytes, analysis, messages, ws, ms };
    }
  }, 180_000);

  afterAll(async () => {
    for (const r of recordings) await r.stop();
    await broker?.stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  for (const format of ['pcap', 'pcapng'] as const) {
    describe(`${format}`, () => {
      it('reads the whole file and lists every TCP connection tshark saw', async () => {
        const { analysis, messages, ws } = files[format];
        expect(analysis.error).toBeNull();
        expect(analysis.format).toBe(format);
        const tcpStreams = new Set([...messages.map((m) => m.stream), ...ws.map((w) => w.stream)]);
        const ours = analysis.connections.filter((c) => c.protocol === 'mqtt' || c.protocol === 'mqtt-websocket');
        expect(ours.map((c) => c.stream).sort((a, b) => a - b)).toEqual([...tcpStreams].sort((a, b) => a - b));
        expect(ours.filter((c) => c.protocol === 'mqtt-websocket').map((c) => c.clientId).sort()).toEqual(['ws-five', 'ws-four']);
        expect(ours.filter((c) => c.protocol === 'mqtt').map((c) => c.clientId)).toEqual(expect.arrayContaining(['cap-sub-v5', 'cap-pub-311', 'cap-pub-5', 'cap-pub-retain']));
        for (const c of ours) {
          expect(c.malformed, `stream ${c.stream}`).toBe(0);
          expect(c.events, `stream ${c.stream}`).toEqual([]);
          expect(c.fromStart).toBe(true);
        }
      });

      it('holds the probe datagrams outside every connection, so only the MQTT traffic is compared', async () => {
        const { analysis } = files[format];
        const probePort = recordings[0]!.probePort;
        const probes = (await runTshark(['-r', join(dir, `traffic.${format}`), '-Y', `udp.port == ${probePort}`, '-T', 'fields', '-e', 'frame.number'])).trim().split('\n').filter((l) => l !== '');
        // At least the start marker and the end marker were captured.
        expect(probes.length).toBeGreaterThanOrEqual(2);
        for (const c of analysis.connections) expect([c.client.port, c.broker.port]).not.toContain(probePort);
        expect(analysis.connections.every((c) => c.broker.port === broker!.port || c.broker.port === broker!.wsPort)).toBe(true);
      });

      it('finds the packets tshark finds over TCP, in the same frames, at the same times, and agrees on every field', () => {
        const { analysis, messages } = files[format];
        const agreement = compareWithTshark(analysis, messages, format === 'pcap' ? 6 : 9);
        console.info(`${format}: ${agreement.packets} MQTT packets over TCP compared with tshark, ${agreement.checks} field checks over ${agreement.fieldsCompared.size} fields, `
          + `${agreement.mismatches.length} disagreements (${[...agreement.byType].map(([t, n]) => `${t} ${n}`).join(', ')})`);
        expect(agreement.sequenceProblems).toEqual([]);
        expect(agreement.frameProblems).toEqual([]);
        expect(agreement.timeProblems).toEqual([]);
        expect(agreement.mismatches.length, report(agreement)).toBe(0);
        expect(agreement.packets).toBe(messages.length);
        expect(agreement.packets).toBeGreaterThanOrEqual(30);
        expect([...agreement.versions].sort()).toEqual([4, 5]);
      });

      it('reassembles the 1 MB PUBLISH from many segments in both directions', () => {
        const { analysis, messages } = files[format];
        const bigOnes = analysis.connections.flatMap((c) => c.packets).filter((p) => p.packet?.type === 'PUBLISH' && p.packet.topic === 'cap/big');
        expect(bigOnes.map((p) => p.direction).sort()).toEqual(['broker-to-client', 'client-to-broker']);
        for (const p of bigOnes) {
          const payload = p.packet?.type === 'PUBLISH' ? p.packet.payload : new Uint8Array(0);
          expect(payload.length).toBe(MEGABYTE);
          expect(payload.every((b, i) => b === big[i])).toBe(true);
          const frames = analysis.connections.find((c) => c.packets.includes(p))!;
          expect(frames.bytes).toBeGreaterThan(MEGABYTE);
        }
        const theirs = messages.filter((m) => new Fields(m.fields).one('mqtt.topic') === 'cap/big');
        expect(theirs.map((m) => m.frame).sort()).toEqual(bigOnes.map((p) => p.frame).sort());
      });

      it('decodes MQTT over WebSocket to exactly the payloads tshark unmasks, and tshark agrees on every field of them', async () => {
        const { analysis, ws } = files[format];
        const wsConnections = analysis.connections.filter((c) => c.protocol === 'mqtt-websocket');
        const agreement = newComparison();
        const frames: BuiltFrame[] = [];
        const ports = wsConnections.map((_, k) => 1883 + k);
        wsConnections.forEach((c, k) => {
          expect(c.websocket).toEqual({ path: '/mqtt', subprotocol: 'mqtt' });
          const conv = new TcpConversation({ client: { ip: '10.0.0.2', port: 40000 + c.stream }, broker: { ip: '10.0.0.1', port: ports[k]! } });
          frames.push(...conv.handshake());
          for (const direction of ['client-to-broker', 'broker-to-client'] as const) {
            const theirs = concat(...ws.filter((w) => w.stream === c.stream && (w.srcPort === c.broker.port) === (direction === 'broker-to-client')).map((w) => w.bytes));
            const ours = concat(...c.packets.filter((p) => p.direction === direction).map((p) => p.bytes));
            expect(bytesToHex(ours), `stream ${c.stream} ${direction}`).toBe(bytesToHex(theirs));
          }
          // The same MQTT bytes over plain TCP, in the order of our packets, for tshark to dissect.
          for (const p of c.packets) frames.push(...conv.send(p.direction === 'client-to-broker' ? 'client' : 'broker', p.bytes));
        });
        const file = join(dir, `ws-${format}.pcap`);
        writeFileSync(file, pcapFile(frames));
        const dissected = await dissectMqtt(file, ports);
        expect(dissected.length).toBe(wsConnections.reduce((n, c) => n + c.packets.length, 0));
        let at = 0;
        for (const c of wsConnections) {
          c.packets.forEach((p, i) => comparePacketWith(p, dissected[at + i]!, `websocket stream ${c.stream} #${i}`, agreement));
          at += c.packets.length;
        }
        console.info(`${format}: ${agreement.packets} MQTT-over-WebSocket packets compared with tshark, ${agreement.checks} field checks, ${agreement.mismatches.length} disagreements`);
        expect(agreement.mismatches.length, report(agreement)).toBe(0);
        expect(agreement.packets).toBeGreaterThanOrEqual(16);
      });
    });
  }

  it('reads pcap and pcapng of the same traffic to the same connections and packets', () => {
    const summary = (a: CaptureAnalysis) => a.connections.map((c) => [c.stream, c.protocol, c.clientId, c.packets.map((p) => `${p.frame}:${p.type}:${p.bytes.length}`).join(' ')]);
    expect(summary(files.pcap.analysis)).toEqual(summary(files.pcapng.analysis));
    console.info(`capture reader: pcap ${files.pcap.bytes.length} bytes in ${files.pcap.ms.toFixed(1)} ms, pcapng ${files.pcapng.bytes.length} bytes in ${files.pcapng.ms.toFixed(1)} ms`);
  });

  it('prints the connections from the command line, and one stream with --stream N --json', async () => {
    const node = process.execPath;
    const cli = (args: string[]) => new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(node, ['--experimental-strip-types', '--no-warnings', 'src/cli/decode.ts', ...args], { cwd: join(import.meta.dirname, '../..') });
      let out = '';
      child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
      child.stderr.on('data', (c: Buffer) => { out += c.toString(); });
      child.once('close', (code) => resolve({ code, out }));
    });
    const file = join(dir, 'traffic.pcapng');
    const text = captureCliOutput(files.pcapng.bytes, { file, stream: null, json: false });
    expect(text.code, text.text).toBe(0);
    expect(text.text).toMatch(/MQTT 5\.0 over WebSocket \(\/mqtt, subprotocol mqtt\)/);
    expect(text.text).toContain('client id "cap-pub-311"');
    expect(text.text).toMatch(/frame \d+ +C->B  PUBLISH id=1 qos=1 topic="cap\/big" payload=1048576 bytes/);
    // The real command, through its stdout pipe: a 2 MB JSON document must arrive whole.
    const big = files.pcapng.analysis.connections.find((c) => c.clientId === 'cap-pub-311')!;
    const json = await cli(['--pcap', file, '--stream', String(big.stream), '--json']);
    expect(json.code, json.out).toBe(0);
    const parsed = JSON.parse(json.out) as { connections: Array<{ clientId: string; packets: Array<{ type: string; topic?: string; payloadHex?: string; frame: number }> }> };
    expect(parsed.connections).toHaveLength(1);
    expect(parsed.connections[0]!.clientId).toBe('cap-pub-311');
    const publish = parsed.connections[0]!.packets.find((p) => p.type === 'PUBLISH')!;
    expect([publish.topic, publish.payloadHex!.length]).toEqual(['cap/big', 2 * MEGABYTE]);
  });
});
