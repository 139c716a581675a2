/**
 * tshark helpers for system tests: capture loopback traffic to a file, then read it back two
 * ways — Wireshark's own MQTT dissection, and the raw reassembled bytes of each TCP stream —
 * so a test can hold our decoder against Wireshark's on exactly the bytes that crossed the wire.
 * tshark needs capture rights: the tests run it as root.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from './system-packages.ts';

// ---------------------------------------------------------------------------------------------
// Running tshark

function tsharkBinary(): string {
  const binary = findBinary('tshark');
  if (binary === null) throw new Error('tshark is not installed (apt-get install tshark)');
  return binary;
}

/** Runs tshark on a file; resolves with stdout, rejects with stderr on failure or timeout. */
function runTshark(args: string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(tsharkBinary(), args, { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024, timeout: timeoutMs, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`tshark ${args.join(' ')} failed: ${error.message}\n${stderr}`));
        else resolve(stdout);
      });
  });
}

/** Reassembly is Wireshark's default; we say so anyway, since the 200 kB check depends on it. */
const REASSEMBLY = ['-o', 'tcp.desegment_tcp_streams:TRUE'];

export interface Capture {
  file: string;
  pid: number;
  /** SIGINT (tshark then flushes and closes the file), wait for exit; SIGKILL if it hangs. */
  stop(): Promise<void>;
  /** tshark's stderr so far, for failure messages. */
  log(): string;
}

/**
 * Starts `tshark -i lo -f "tcp port PORT" -w FILE -q` and resolves once tshark reports that it is
 * capturing. The file lives in a fresh temp directory that `removeCapture` deletes.
 */
export async function startCapture(port: number, options: { startTimeoutMs?: number; maxLifetimeMs?: number } = {}): Promise<Capture> {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-lab-capture-'));
  const file = join(dir, 'capture.pcapng');
  // Own process group, so that dumpcap (tshark's capture child) can be killed with it if need be.
  const child = spawn(tsharkBinary(), ['-i', 'lo', '-f', `tcp port ${port}`, '-w', file, '-q'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  let spawnError: Error | null = null;
  child.once('error', (error) => { spawnError = error; });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const isAlive = () => child.exitCode === null && child.signalCode === null && spawnError === null;
  const killGroup = (signal: NodeJS.Signals) => {
    try { process.kill(-child.pid!, signal); } catch { /* already gone */ }
  };
  const lifetime = setTimeout(() => killGroup('SIGKILL'), options.maxLifetimeMs ?? 600_000);
  lifetime.unref();

  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tshark did not start capturing within the timeout:\n${stderr}`)), options.startTimeoutMs ?? 15_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (stderr.length > 1_000_000) stderr = stderr.slice(-100_000);
      if (/Capturing on/.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`tshark exited before capturing (${spawnError?.message ?? `exit ${child.exitCode ?? child.signalCode}`}):\n${stderr}`));
    });
  });

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      clearTimeout(lifetime);
      if (isAlive()) {
        child.kill('SIGINT');
        const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 10_000))]);
        if (timedOut) {
          killGroup('SIGKILL');
          await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        }
      }
    })();
    return stopping;
  };

  try {
    await started;
  } catch (error) {
    await stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { file, pid: child.pid!, stop, log: () => stderr };
}

/** Deletes a capture file and the temp directory startCapture made for it. */
export function removeCapture(file: string): void {
  const dir = join(file, '..');
  if (dir.includes('mqtt-lab-capture-')) rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// An order-preserving JSON reader. tshark's `-T json` repeats keys (several `mqtt` layers in one
// frame, several `mqtt.property_id` in one property list), which JSON.parse would collapse.

export type JsonNode = string | number | boolean | null | JsonNode[] | JsonObject;
export interface JsonObject { entries: Array<[string, JsonNode]> }

export function isJsonObject(node: JsonNode): node is JsonObject {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

export function parseJsonKeepingDuplicates(text: string): JsonNode {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`JSON: ${what} at offset ${i}: ${JSON.stringify(text.slice(i, i + 40))}`);
  };
  const ws = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  const string = (): string => {
    if (text[i] !== '"') fail('expected a string');
    let end = i + 1;
    // Fast path: no escapes.
    for (; end < text.length; end++) {
      const c = text[end];
      if (c === '"') {
        const s = text.slice(i + 1, end);
        i = end + 1;
        return s;
      }
      if (c === '\\') break;
    }
    // Slow path: let JSON.parse handle the escapes of this one string.
    end = i + 1;
    while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
    const s = JSON.parse(text.slice(i, end + 1)) as string;
    i = end + 1;
    return s;
  };
  const value = (): JsonNode => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: Array<[string, JsonNode]> = [];
      ws();
      if (text[i] === '}') { i++; return { entries }; }
      for (;;) {
        ws();
        const key = string();
        ws();
        if (text[i] !== ':') fail('expected ":"');
        i++;
        entries.push([key, value()]);
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return { entries }; }
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const items: JsonNode[] = [];
      ws();
      if (text[i] === ']') { i++; return items; }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return items; }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return string();
    const literal = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 40));
    if (literal === null) return fail('unexpected character');
    i += literal[0].length;
    return JSON.parse(literal[0]) as JsonNode;
  };
  const result = value();
  ws();
  if (i !== text.length) fail('trailing characters');
  return result;
}

// ---------------------------------------------------------------------------------------------
// Wireshark's MQTT dissection

/** One field of a dissected MQTT message, in tree order. `path` lists the enclosing subtrees. */
export interface TsharkField {
  name: string;
  value: string;
  path: string[];
}

export interface TsharkMqttMessage {
  frame: number;
  /** tcp.stream: Wireshark's index of the TCP connection. */
  stream: number;
  /** Source port == broker port. */
  fromBroker: boolean;
  /** Every field of the message (subtrees flattened), in the order the dissector added them. */
  fields: TsharkField[];
}

function flatten(node: JsonNode, path: string[], out: TsharkField[]): void {
  if (isJsonObject(node)) {
    for (const [key, child] of node.entries) {
      if (isJsonObject(child) || Array.isArray(child)) {
        // `mqtt.properties` and `*_tree` are subtrees; a key may also hold a value *and* a tree.
        flatten(child, [...path, key], out);
      } else {
        out.push({ name: key, value: child === null ? '' : String(child), path });
      }
    }
  } else if (Array.isArray(node)) {
    // Only with --no-duplicate-keys, which we do not use; keep the values in order anyway.
    const key = path[path.length - 1] ?? '';
    for (const item of node) {
      if (isJsonObject(item) || Array.isArray(item)) flatten(item, path, out);
      else out.push({ name: key, value: item === null ? '' : String(item), path: path.slice(0, -1) });
    }
  }
}

function entries(node: JsonNode | undefined, key: string): JsonNode[] {
  if (node === undefined || !isJsonObject(node)) return [];
  return node.entries.filter(([k]) => k === key).map(([, v]) => v);
}

function scalar(node: JsonNode | undefined, key: string): string | undefined {
  const v = entries(node, key)[0];
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

/**
 * `tshark -r FILE -d tcp.port==PORT,mqtt -T json`: every MQTT message Wireshark found, in capture
 * order (several messages of one frame in their order inside it).
 */
export async function dissect(file: string, port: number): Promise<TsharkMqttMessage[]> {
  const text = await runTshark(['-r', file, ...REASSEMBLY, '-d', `tcp.port==${port},mqtt`, '-Y', 'mqtt', '-T', 'json', '-J', 'frame tcp mqtt']);
  const root = parseJsonKeepingDuplicates(text.trim() === '' ? '[]' : text);
  if (!Array.isArray(root)) throw new Error('tshark -T json did not produce an array');
  const out: TsharkMqttMessage[] = [];
  for (const packet of root) {
    const layers = entries(entries(packet, '_source')[0], 'layers')[0];
    const frame = Number(scalar(entries(layers, 'frame')[0], 'frame.number'));
    const tcp = entries(layers, 'tcp')[0];
    const stream = Number(scalar(tcp, 'tcp.stream'));
    const srcport = Number(scalar(tcp, 'tcp.srcport'));
    for (const mqtt of entries(layers, 'mqtt')) {
      const fields: TsharkField[] = [];
      flatten(mqtt, [], fields);
      out.push({ frame, stream, fromBroker: srcport === port, fields });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The bytes of each TCP stream

export interface TcpStreamPayload {
  stream: number;
  clientPort: number;
  /** Every byte the client sent, reassembled in sequence order. */
  toBroker: Uint8Array;
  /** Every byte the broker sent. */
  fromBroker: Uint8Array;
  /**
   * The same bytes in the order of the segments tshark printed, each with its direction: feeding
   * these to two decoders cuts the stream where TCP cut it.
   */
  segments: Array<{ fromBroker: boolean; bytes: Uint8Array }>;
}

function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new Error(`not hex: ${hex.slice(0, 40)}…`);
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const portOf = (node: string) => Number(node.slice(node.lastIndexOf(':') + 1));

/**
 * The reassembled payload of every TCP stream to or from `port`, per direction, from
 * `tshark -q -z follow,tcp,raw,N`. In that output, lines from the first node are flush left and
 * lines from the second are indented with a tab.
 */
export async function tcpPayloads(file: string, port: number): Promise<TcpStreamPayload[]> {
  const list = await runTshark(['-r', file, '-Y', `tcp.port==${port}`, '-T', 'fields', '-e', 'tcp.stream']);
  const streams = [...new Set(list.split('\n').map((s) => s.trim()).filter((s) => s !== '').map(Number))].sort((a, b) => a - b);
  if (streams.length === 0) return [];
  const args = ['-r', file, ...REASSEMBLY, '-q'];
  for (const n of streams) args.push('-z', `follow,tcp,raw,${n}`);
  const text = await runTshark(args);

  const out: TcpStreamPayload[] = [];
  const blocks = text.split(/^=+$/m);
  for (const block of blocks) {
    const filter = /^Filter: tcp\.stream eq (\d+)$/m.exec(block);
    if (filter === null) continue;
    const stream = Number(filter[1]);
    const node0 = /^Node 0: (\S+)$/m.exec(block);
    const node1 = /^Node 1: (\S+)$/m.exec(block);
    if (node0 === null || node1 === null) {
      // A stream with no payload at all (e.g. a bare connect/close) lists no nodes.
      continue;
    }
    const node0IsBroker = portOf(node0[1]!) === port;
    const node1IsBroker = portOf(node1[1]!) === port;
    if (node0IsBroker === node1IsBroker) throw new Error(`stream ${stream}: cannot tell the broker side (${node0[1]} / ${node1[1]})`);
    const segments: TcpStreamPayload['segments'] = [];
    const lines = block.split('\n');
    const start = lines.findIndex((l) => l.startsWith('Node 1: ')) + 1;
    for (const line of lines.slice(start)) {
      if (line.trim() === '') continue;
      const fromNode1 = line.startsWith('\t');
      const bytes = hexToBytes(line.trim());
      segments.push({ fromBroker: fromNode1 ? node1IsBroker : node0IsBroker, bytes });
    }
    out.push({
      stream,
      clientPort: portOf(node0IsBroker ? node1[1]! : node0[1]!),
      toBroker: concat(segments.filter((s) => !s.fromBroker).map((s) => s.bytes)),
      fromBroker: concat(segments.filter((s) => s.fromBroker).map((s) => s.bytes)),
      segments,
    });
  }
  const missing = streams.filter((n) => !out.some((s) => s.stream === n));
  // Streams without payload are fine; streams tshark did not print at all are not.
  for (const n of missing) if (!new RegExp(`^Filter: tcp\\.stream eq ${n}$`, 'm').test(text)) throw new Error(`tshark printed no follow output for stream ${n}`);
  return out.sort((a, b) => a.stream - b.stream);
}
