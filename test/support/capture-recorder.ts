/**
 * Records loopback traffic into a pcap or pcapng file with tshark (`-F pcap` / `-F pcapng`) and
 * reads back what Wireshark makes of it: MQTT messages with their frame number and time, and the
 * unmasked WebSocket payloads (tshark 4.0 does not hand WebSocket payloads to its MQTT dissector).
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
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

export interface Recording { file: string; stop(): Promise<void>; log(): string }

/**
 * Starts `tshark -i lo -f FILTER -F FORMAT -w FILE` and resolves once it is capturing. A 64 MB
 * capture buffer (-B) keeps a burst of megabytes on the loopback from being dropped. With
 * `probePort`, it also waits until a connection to that port shows up in the file.
 */
export async function record(file: string, filter: string, format: 'pcap' | 'pcapng', probePort?: number, timeoutMs = 15_000): Promise<Recording> {
  const child = spawn(tshark(), ['-i', 'lo', '-f', filter, '-B', '64', '-F', format, '-w', file, '-q'], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lifetime = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 600_000);
  lifetime.unref();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tshark did not start capturing:\n${stderr}`)), timeoutMs);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (/Capturing on/.test(stderr)) { clearTimeout(timer); resolve(); }
    });
    void exited.then(() => { clearTimeout(timer); reject(new Error(`tshark exited before capturing:\n${stderr}`)); });
  });
  // "Capturing on" comes before the filter is live: knock on the port until a frame reaches the file.
  const size = () => (existsSync(file) ? statSync(file).size : 0);
  const empty = size();
  const deadline = Date.now() + timeoutMs;
  while (probePort !== undefined && size() <= empty) {
    if (Date.now() > deadline) throw new Error(`tshark wrote no frame within ${timeoutMs} ms:\n${stderr}`);
    await new Promise<void>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port: probePort }, () => socket.end());
      socket.once('close', () => resolve());
      socket.once('error', () => resolve());
    });
    await new Promise((r) => setTimeout(r, 100));
  }
  let stopping: Promise<void> | null = null;
  return {
    file,
    log: () => stderr,
    stop: () => (stopping ??= (async () => {
      clearTimeout(lifetime);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        const late = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 10_000))]);
        if (late) { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } await exited; }
      }
    })()),
  };
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
