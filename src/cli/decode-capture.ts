/**
 * `npm run decode -- --pcap FILE [--stream N] [--json]`: every TCP connection of a capture that
 * carries MQTT (directly or over WebSocket), or TLS, with its packets. With --stream N, only that
 * connection (tshark's tcp.stream number), each packet with its fields byte by byte.
 */
import { readFileSync } from 'node:fs';
import { decodePacket, decodedToJson, packetToJson, PROTOCOL_VERSION_LABELS, reasonCodeName, type JsonValue } from '../mqtt/codec/index.ts';
import { bytesToHex } from '../mqtt/codec/binary-reader.ts';
import { readInput, type CaptureAnalysis, type CaptureConnection, type CapturedPacket, type Endpoint, type StreamEvent, type Timestamp } from '../input/index.ts';

export interface CaptureCliOptions { file: string; stream: number | null; json: boolean }

let output: string[] = [];
function print(line: string): void {
  output.push(line);
}

/** What the command prints for a capture already in memory, and its exit status (for tests). */
export function captureCliOutput(bytes: Uint8Array, options: CaptureCliOptions): { code: number; text: string } {
  output = [];
  const code = report(bytes, options);
  return { code, text: output.join('\n') };
}

/**
 * Prints the result and exits: 0 all decoded, 1 a malformed packet, a gap or a damaged file, 2 a
 * usage error. The exit waits for stdout to drain: process.exit() right after a large write to a
 * pipe would cut the JSON short.
 */
export function runCaptureCli(options: CaptureCliOptions): void {
  const code = captureCli(options);
  process.stdout.write(output.length > 0 ? `${output.join('\n')}\n` : '', () => process.exit(code));
}

function captureCli(options: CaptureCliOptions): number {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(options.file));
  } catch (error) {
    console.error(`Cannot read ${options.file}: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  return report(bytes, options);
}

function report(bytes: Uint8Array, options: CaptureCliOptions): number {
  const reading = readInput(bytes);
  if (reading.kind !== 'capture') {
    console.error(`${options.file} is not a pcap or pcapng file (its first bytes are no capture magic number)`);
    return 2;
  }
  const capture = reading.capture;
  let connections = capture.connections.filter((c) => c.protocol !== 'other');
  if (options.stream !== null) {
    const chosen = capture.connections.find((c) => c.stream === options.stream);
    if (chosen === undefined) {
      console.error(`There is no TCP stream ${options.stream} in ${options.file}; streams: ${capture.connections.map((c) => c.stream).join(', ') || 'none'}`);
      return 2;
    }
    connections = [chosen];
  }
  if (options.json) print(JSON.stringify(captureToJson(capture, connections, options.stream !== null), null, 2));
  else printCapture(options.file, capture, connections, options.stream !== null);
  const trouble = capture.error !== null || connections.some((c) => c.malformed > 0 || c.events.some((e) => e.kind === 'gap' || e.kind === 'truncated'));
  return trouble ? 1 : 0;
}

export function timestampText(t: Timestamp): string {
  return `${t.sec}.${String(t.nsec).padStart(9, '0')}`;
}

function endpoint(e: Endpoint): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

function packetJson(p: CapturedPacket, withFields: boolean): { [key: string]: JsonValue } {
  let body: { [key: string]: JsonValue } | null = null;
  if (p.packet !== null) {
    if (withFields) {
      const decoded = decodePacket(p.bytes, { protocolVersion: p.protocolVersion, annotate: true });
      body = decodedToJson(decoded);
      delete body.offset;
      delete body.length;
      delete body.remainingLength;
      delete body.type;
    } else {
      body = packetToJson(p.packet);
      delete body.type;
    }
  }
  return {
    index: p.index, frame: p.frame, time: timestampText(p.time), relativeTime: Number(p.relativeTime.toFixed(9)),
    direction: p.direction, type: p.type, length: p.bytes.length, remainingLength: p.remainingLength, streamOffset: p.streamOffset,
    ...(body ?? {}),
    error: p.error === null ? null : { offset: p.error.offset, field: p.error.field, rule: p.error.rule, message: explanationText(p.error) },
  };
}

function eventJson(e: StreamEvent): { [key: string]: JsonValue } {
  return { kind: e.kind, direction: e.direction, frame: e.frame, time: timestampText(e.time), bytes: e.bytes, streamOffset: e.streamOffset };
}

export function captureToJson(capture: CaptureAnalysis, connections: CaptureConnection[], withFields: boolean): { [key: string]: JsonValue } {
  return {
    format: capture.format,
    frames: capture.frames,
    fileBytes: capture.fileBytes,
    error: capture.error === null ? null : { ...capture.error },
    skippedFrames: { ...capture.skipped },
    encrypted: capture.connections.filter((c) => c.protocol === 'tls').map((c) => ({ stream: c.stream, client: endpoint(c.client), broker: endpoint(c.broker) })),
    connections: connections.map((c) => ({
      stream: c.stream, protocol: c.protocol, client: endpoint(c.client), broker: endpoint(c.broker), clientBy: c.clientBy,
      websocket: c.websocket === null ? null : { ...c.websocket },
      clientId: c.clientId, protocolVersion: c.protocolVersion === null ? null : PROTOCOL_VERSION_LABELS[c.protocolVersion],
      packetCount: c.packetCount, bytes: c.bytes, start: timestampText(c.start), duration: Number(c.duration.toFixed(9)), malformed: c.malformed,
      retransmittedBytes: c.retransmittedBytes, outOfOrderSegments: c.outOfOrderSegments, fromStart: c.fromStart,
      events: c.events.map(eventJson),
      packets: c.packets.map((p) => packetJson(p, withFields)),
    })),
  };
}

function printCapture(file: string, capture: CaptureAnalysis, connections: CaptureConnection[], detailed: boolean): void {
  print(`${file}: ${capture.format}, ${capture.frames} frames, ${capture.fileBytes} bytes`);
  const s = capture.skipped;
  const skipped = s.link + s.network + s.notTcp + s.fragment + s.short;
  if (skipped > 0) print(`  ${skipped} frame(s) not followed (${s.link} unknown link type, ${s.network} not IP, ${s.notTcp} not TCP, ${s.fragment} IP fragments, ${s.short} cut short)`);
  if (capture.error !== null) print(`  DAMAGED FILE: ${capture.error.message} (${capture.error.record}, byte ${capture.error.offset}); the connections before it are listed`);
  if (connections.length === 0) print('\nNo MQTT, MQTT over WebSocket or TLS connection found.');
  for (const c of connections) {
    print(`\nstream ${c.stream}  ${endpoint(c.client)} -> ${endpoint(c.broker)}  ${protocolText(c)}`);
    if (c.protocol === 'tls') { print('  encrypted (TLS): not decoded'); continue; }
    print(`  client id ${c.clientId === null ? '(no CONNECT seen)' : JSON.stringify(c.clientId)}, ${c.packetCount} packets, ${c.bytes} bytes, ${c.duration.toFixed(6)} s${c.malformed > 0 ? `, ${c.malformed} MALFORMED` : ''}`);
    if (!c.fromStart) print('  the capture joined this connection after it opened');
    if (c.retransmittedBytes > 0 || c.outOfOrderSegments > 0) print(`  ${c.retransmittedBytes} retransmitted byte(s) dropped, ${c.outOfOrderSegments} out-of-order segment(s) placed`);
    const rows: Array<{ t: number; line: string; detail?: CapturedPacket }> = [
      ...c.packets.map((p) => ({ t: p.relativeTime, line: packetLine(p), detail: p })),
      ...c.events.map((e) => ({ t: 0, line: eventLine(e) })),
    ];
    for (const e of c.events) {
      const row = rows.find((r) => r.line === eventLine(e))!;
      row.t = (e.time.sec - (capture.start?.sec ?? 0)) + (e.time.nsec - (capture.start?.nsec ?? 0)) / 1e9;
    }
    rows.sort((a, b) => a.t - b.t);
    for (const r of rows) {
      print(`  ${r.line}`);
      if (detailed && r.detail !== undefined) printFields(r.detail);
    }
  }
}

function protocolText(c: CaptureConnection): string {
  const version = c.protocolVersion === null ? '' : ` ${PROTOCOL_VERSION_LABELS[c.protocolVersion]}`;
  if (c.protocol === 'mqtt') return `MQTT${version}`;
  if (c.protocol === 'mqtt-websocket') return `MQTT${version} over WebSocket (${c.websocket?.path ?? ''}, subprotocol ${c.websocket?.subprotocol ?? 'none'})`;
  if (c.protocol === 'tls') return 'TLS';
  return 'not MQTT';
}

function packetLine(p: CapturedPacket): string {
  const arrow = p.direction === 'client-to-broker' ? 'C->B' : 'B->C';
  const q = p.packet;
  let what = p.type ?? '?';
  if (q !== null) {
    if ('packetId' in q && q.packetId !== undefined) what += ` id=${q.packetId}`;
    if (q.type === 'PUBLISH') what += ` qos=${q.qos}${q.retain ? ' retain' : ''}${q.dup ? ' dup' : ''} topic=${JSON.stringify(q.topic)} payload=${q.payload.length} bytes`;
    if (q.type === 'CONNECT') what += ` client id=${JSON.stringify(q.clientId)} MQTT ${PROTOCOL_VERSION_LABELS[q.protocolLevel]}`;
    if ('reasonCode' in q && q.reasonCode !== undefined) what += ` ${reasonCodeName(q.type, q.reasonCode, p.protocolVersion)}`;
  }
  if (p.error !== null) what += `  MALFORMED: ${explanationText(p.error)} (${p.error.rule}; ${p.error.field} at byte ${p.error.offset})`;
  return `${p.relativeTime.toFixed(6).padStart(12)}  frame ${String(p.frame).padEnd(6)} ${arrow}  ${what}`;
}

function eventLine(e: StreamEvent): string {
  const side = e.direction === 'client-to-broker' ? 'client->broker' : 'broker->client';
  const what = {
    gap: `GAP: ${e.bytes} byte(s) were not captured in the ${side} stream; decoding resumes at the next packet boundary`,
    skipped: `skipped ${e.bytes} byte(s) of the ${side} stream before the first MQTT packet boundary`,
    truncated: `TRUNCATED: the ${side} stream ends inside a packet (${e.bytes} byte(s))`,
    'lost-sync': `LOST SYNC in the ${side} stream at byte ${e.streamOffset}: not an MQTT fixed header`,
    'websocket-close': `WebSocket close (${side})`,
  }[e.kind];
  return `${''.padStart(12)}  frame ${String(e.frame).padEnd(6)} ${what}`;
}

function printFields(p: CapturedPacket): void {
  if (p.packet === null) return;
  const decoded = decodePacket(p.bytes, { protocolVersion: p.protocolVersion, annotate: true });
  for (const f of decoded.fields ?? []) {
    const shown = Math.min(f.length, 16);
    const hex = bytesToHex(p.bytes, f.offset, f.offset + shown).replace(/(..)(?=.)/g, '$1 ') + (f.length > shown ? ' …' : '');
    const value = f.value === null ? '' : typeof f.value === 'string' ? JSON.stringify(f.value) : String(f.value);
    print(`      ${String(f.offset).padStart(6)}  ${hex.padEnd(50)} ${f.path.padEnd(36)} ${value}`);
  }
}

/** The codec's explanation in English, whether it is a sentence or a catalogue message. */
function explanationText(error: { explanation: unknown; message: string }): string {
  return typeof error.explanation === 'string' ? error.explanation : error.message;
}
