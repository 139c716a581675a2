/**
 * Capture throughput: our reader (frames → TCP reassembly → MQTT packets) against tshark's MQTT
 * dissection with TCP reassembly, on the same file, as MB of capture file per second. tshark is a
 * separate process, so its figure includes its start-up; the file is large enough (≈40 MB) that
 * start-up is a small share. Rounds alternate which runs first.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { encodePacket, type Packet } from '../../src/mqtt/codec/index.ts';
import { analyseCapture } from '../../src/input/index.ts';
import { pcapngFile, TcpConversation, type BuiltFrame } from '../support/capture-builder.ts';
import { findBinary } from '../support/system-packages.ts';
import { isMain, printTable, type BenchRow } from './harness.ts';

/** A busy broker's capture: many clients publishing small QoS 1 messages, some large ones. */
export function buildBenchCapture(targetBytes = 40 * 1024 * 1024): Uint8Array {
  const frames: BuiltFrame[] = [];
  let size = 0;
  let client = 0;
  const payload = new Uint8Array(2000).map((_, i) => (i * 31) & 0xff);
  while (size < targetBytes) {
    const conv = new TcpConversation({ client: { ip: '10.1.0.2', port: 20000 + client }, broker: { ip: '10.1.0.1', port: 1883 }, startSec: 1_700_000_000 + client });
    const add = (list: BuiltFrame[]) => { for (const f of list) { frames.push(f); size += f.data.length + 32; } };
    add(conv.handshake());
    add(conv.send('client', encodePacket({ type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 5, cleanSession: true, keepAlive: 30, clientId: `bench-${client}` })));
    add(conv.send('broker', encodePacket({ type: 'CONNACK', sessionPresent: false, reasonCode: 0 }, { protocolVersion: 5 })));
    for (let i = 1; i <= 200; i++) {
      const body = i % 50 === 0 ? new Uint8Array(64 * 1024).fill(i) : payload.subarray(0, 20 + (i % 200));
      const publish: Packet = { type: 'PUBLISH', dup: false, qos: 1, retain: false, topic: `site/${client}/sensor/${i % 7}`, packetId: i, payload: body, properties: { userProperties: [['unit', 'C']] } };
      add(conv.send('client', encodePacket(publish, { protocolVersion: 5 })));
      add(conv.send('broker', encodePacket({ type: 'PUBACK', packetId: i }, { protocolVersion: 5 })));
    }
    add(conv.close());
    client++;
  }
  return pcapngFile(frames);
}

export async function runCaptureBench(): Promise<BenchRow[]> {
  const tshark = findBinary('tshark');
  if (tshark === null) {
    console.log('\nCapture bench skipped: tshark is not installed (apt-get install tshark)');
    return [];
  }
  const bytes = buildBenchCapture();
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-lab-capture-bench-'));
  const file = join(dir, 'bench.pcapng');
  writeFileSync(file, bytes);
  const megabytes = bytes.length / (1024 * 1024);
  const ours = () => {
    const t = performance.now();
    const a = analyseCapture(bytes);
    const ms = performance.now() - t;
    if (a.error !== null || a.connections.length === 0) throw new Error('the bench capture did not decode');
    return ms;
  };
  const theirs = () => {
    const t = performance.now();
    execFileSync(tshark, ['-r', file, '-o', 'tcp.desegment_tcp_streams:TRUE', '-d', 'tcp.port==1883,mqtt', '-Y', 'mqtt', '-T', 'fields', '-e', 'mqtt.msgtype'],
      { stdio: ['ignore', 'ignore', 'ignore'], maxBuffer: 1 << 30 });
    return performance.now() - t;
  };
  ours(); // warm-up
  const oursRates: number[] = [];
  const theirRates: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < 3; round++) {
    const [a, b] = round % 2 === 0 ? [ours(), theirs()] : (() => { const y = theirs(); return [ours(), y]; })();
    oursRates.push(megabytes / (a / 1000));
    theirRates.push(megabytes / (b / 1000));
    ratios.push(b / a);
  }
  rmSync(dir, { recursive: true, force: true });
  const median = (v: number[]) => [...v].sort((x, y) => x - y)[v.length >> 1]!;
  return [{ name: `${megabytes.toFixed(0)} MB pcapng: MQTT 5.0, small and 64 kB PUBLISHes`, ours: median(oursRates) * 1e6, peer: median(theirRates) * 1e6, peerName: 'tshark', ratio: median(ratios), unit: 'B/s' }];
}

if (isMain(import.meta.url)) printTable('Capture files: ours vs tshark (bytes of capture per second, median of 3 interleaved rounds)', await runCaptureBench());
