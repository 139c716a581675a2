/**
 * Records loopback traffic into a pcap or pcapng file with tshark (`-F pcap` / `-F pcapng`) and
 * reads back what Wireshark makes of it: MQTT messages with their frame number and time, and the
 * unmasked WebSocket payloads (tshark 4.0 does not hand WebSocket payloads to its MQTT dissector).
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { CaptureFileError, captureFormat } from '../../src/input/capture/frames.ts';
import { readPcap } from '../../src/input/capture/pcap.ts';
import { readPcapng } from '../../src/input/capture/pcapng.ts';
import { findBinary } from './system-packages.ts';
import { isJsonObject, parseJsonKeepingDuplicates, type JsonNode, type TsharkField } from './tshark.ts';

function tshark(): string {
  const binary = findBinary('tshark');
  if (binary === null) throw new Error('tshark is not installed (apt-get install tshark)');
  return binary;
}

export function runTshark(args: string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(tshark(), args, { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024, timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`tshark ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

export interface Recording {
  file: string;
  /** The UDP port of the probe datagrams (in the file, outside the MQTT traffic: leave it out by port). */
  probePort: number;
  /** How long the start and the end marker took to reach the file, in ms. */
  timings: { startMs: number; startProbes: number; endMs: number; endProbes: number };
  /** Sends an end marker and waits until it is in the file, so every frame before it is too; then stops. */
  stop(): Promise<void>;
  log(): string;
}

/** True once FILE holds a frame whose bytes contain `marker`; a block still being written is not an error. */
function fileHolds(file: string, marker: Uint8Array): boolean {
  if (!existsSync(file)) return false;
  const bytes = new Uint8Array(readFileSync(file));
  if (captureFormat(bytes) === null) return false;
  const source = captureFormat(bytes) === 'pcap' ? readPcap(bytes) : readPcapng(bytes);
  try {
    for (const frame of source.frames()) if (contains(frame.data, marker)) return true;
  } catch (error) {
    if (!(error instanceof CaptureFileError)) throw error;
  }
  return false;
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * Starts `tshark -i lo -f "(FILTER) or udp port P" -F FORMAT -w FILE` and resolves only once it
 * really captures. tshark prints "Capturing on" before dumpcap's filter is live, and traffic sent
 * at that moment is lost (a recording once held 25 of 42 MQTT packets, and a WebSocket connection
 * whose HTTP upgrade was missed had no subprotocol). So we send UDP datagrams carrying a random
 * marker to a socket of our own on 127.0.0.1 until our capture reader finds the marker in the file.
 * UDP and not a TCP knock on the broker's port: a knock is a connection of its own in the capture
 * (the extra connection once seen) and shifts tshark's tcp.stream numbers; datagrams are neither
 * TCP nor MQTT, so both tshark's dissector and our reader pass over them (the frame numbers count
 * them on both sides alike). A 64 MB capture buffer (-B) keeps a burst of megabytes on the
 * loopback from being dropped.
 */
export async function record(file: string, filter: string, format: 'pcap' | 'pcapng', timeoutMs = 15_000): Promise<Recording> {
  const probe = createSocket('udp4');
  await new Promise<void>((resolve, reject) => { probe.once('error', reject); probe.bind(0, '127.0.0.1', () => resolve()); });
  probe.on('message', () => { /* drained, so the kernel answers no datagram with ICMP */ });
  const probePort = probe.address().port;
  const child = spawn(tshark(), ['-i', 'lo', '-f', `(${filter}) or udp port ${probePort}`, '-B', '64', '-F', format, '-w', file, '-q'], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lifetime = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 600_000);
  lifetime.unref();
  const kill = async () => {
    clearTimeout(lifetime);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      const late = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 10_000))]);
      if (late) { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } await exited; }
    }
    probe.close();
  };
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });

  /** Sends marker datagrams every 20 ms until one is in the file; bounded by timeoutMs. */
  const knock = async (what: string): Promise<{ ms: number; probes: number }> => {
    const marker = new TextEncoder().encode(`mqtt-lab-probe-${what}-${randomBytes(8).toString('hex')}`);
    const t0 = Date.now();
    let probes = 0;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`tshark exited before the ${what} marker reached ${file}:\n${stderr}`);
      if (Date.now() - t0 > timeoutMs) throw new Error(`the ${what} marker did not reach ${file} within ${timeoutMs} ms (${probes} datagrams):\n${stderr}`);
      probe.send(marker, probePort, '127.0.0.1');
      probes++;
      await new Promise((r) => setTimeout(r, 20));
      if (fileHolds(file, marker)) return { ms: Date.now() - t0, probes };
    }
  };
  let start: { ms: number; probes: number };
  try {
    start = await knock('start');
  } catch (error) {
    await kill();
    throw error;
  }
  let stopping: Promise<void> | null = null;
  const recording: Recording = {
    file,
    probePort,
    timings: { startMs: start.ms, startProbes: start.probes, endMs: 0, endProbes: 0 },
    log: () => stderr,
    stop: () => (stopping ??= (async () => {
      try {
        if (child.exitCode === null && child.signalCode === null) {
          const end = await knock('end');
          recording.timings.endMs = end.ms;
          recording.timings.endProbes = end.probes;
        }
      } finally {
        await kill();
      }
    })()),
  };
  return recording;
}

export interface DissectedMessage {
  frame: number;
  /** frame.time_epoch as tshark prints it: seconds, a dot, nine digits. */
  time: string;
  stream: number;
  srcPort: number;
  fields: TsharkField[];
}

function entries(node: JsonNode | undefined, key: string): JsonNode[] {
  if (node === undefined || !isJsonObject(node)) return [];
  return node.entries.filter(([k]) => k === key).map(([, v]) => v);
}

function scalar(node: JsonNode | undefined, key: string): string | undefined {
  const v = entries(node, key)[0];
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

function flatten(node: JsonNode, path: string[], out: TsharkField[]): void {
  if (!isJsonObject(node)) return;
  for (const [key, child] of node.entries) {
    if (isJsonObject(child)) flatten(child, [...path, key], out);
    else if (Array.isArray(child)) for (const item of child) { if (isJsonObject(item)) flatten(item, [...path, key], out); else out.push({ name: key, value: String(item), path }); }
    else out.push({ name: key, value: child === null ? '' : String(child), path });
  }
}

/** Every MQTT message tshark dissects in FILE, decoding each of `mqttPorts` as MQTT. */
export async function dissectMqtt(file: string, mqttPorts: number[]): Promise<DissectedMessage[]> {
  const args = ['-r', file, '-o', 'tcp.desegment_tcp_streams:TRUE', ...mqttPorts.flatMap((p) => ['-d', `tcp.port==${p},mqtt`]), '-Y', 'mqtt', '-T', 'json', '-J', 'frame tcp mqtt'];
  const text = await runTshark(args);
  const root = parseJsonKeepingDuplicates(text.trim() === '' ? '[]' : text);
  if (!Array.isArray(root)) throw new Error('tshark -T json did not produce an array');
  const out: DissectedMessage[] = [];
  for (const packet of root) {
    const layers = entries(entries(packet, '_source')[0], 'layers')[0];
    const frameLayer = entries(layers, 'frame')[0];
    const tcp = entries(layers, 'tcp')[0];
    for (const mqtt of entries(layers, 'mqtt')) {
      const fields: TsharkField[] = [];
      flatten(mqtt, [], fields);
      out.push({ frame: Number(scalar(frameLayer, 'frame.number')), time: scalar(frameLayer, 'frame.time_epoch') ?? '', stream: Number(scalar(tcp, 'tcp.stream')), srcPort: Number(scalar(tcp, 'tcp.srcport')), fields });
    }
  }
  return out;
}

export interface WebSocketData { frame: number; stream: number; srcPort: number; bytes: Uint8Array }

/** The unmasked payload of every WebSocket data frame on `wsPort`, in capture order. */
export async function webSocketPayloads(file: string, wsPort: number): Promise<WebSocketData[]> {
  const text = await runTshark(['-r', file, '-o', 'tcp.desegment_tcp_streams:TRUE', '-d', `tcp.port==${wsPort},http`, '-Y', 'websocket',
    '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=;', '-e', 'frame.number', '-e', 'tcp.stream', '-e', 'tcp.srcport', '-e', 'websocket.opcode', '-e', 'data.data']);
  const out: WebSocketData[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const [frame, stream, srcPort, opcodes, data] = line.split('\t');
    const ops = (opcodes ?? '').split(';');
    const chunks = (data ?? '').split(';').filter((d) => d !== '');
    // Data frames (opcode 0, 1, 2) carry MQTT; each has one data.data in order.
    let k = 0;
    for (const op of ops) {
      if (op !== '0' && op !== '1' && op !== '2') continue;
      const hex = chunks[k++] ?? '';
      out.push({ frame: Number(frame), stream: Number(stream), srcPort: Number(srcPort), bytes: Uint8Array.from(Buffer.from(hex.replace(/:/g, ''), 'hex')) });
    }
  }
  return out;
}
