/**
 * The capture view's data: what the worker sends the page once a capture file is read. Only
 * plain values and one ArrayBuffer holding every packet's bytes back to back (transferred, not
 * copied), so a 100 MB capture crosses from the worker without cloning the file.
 */
import type { CaptureAnalysis, CaptureConnection, CapturedPacket, ConnectionProtocol, Timestamp } from '../../input/index.ts';

export type Side = 'c2b' | 'b2c';

export interface ViewPacket {
  index: number;
  side: Side;
  frame: number;
  /** Seconds since the capture's first frame. */
  time: number;
  /** Wall-clock time of the frame, UTC, e.g. "14:03:07.123456". */
  clock: string;
  type: string;
  version: 3 | 4 | 5;
  topic?: string;
  packetId?: number;
  qos?: number;
  reasonCode?: number;
  payloadLength?: number;
  clientId?: string;
  /** A malformed packet: which field broke which rule (the codec's own explanation is in the decoder view). */
  malformed: { rule: string; field: string; offset: number } | null;
  /** Where its bytes are in CaptureView.buffer. */
  at: number;
  length: number;
}

export interface ViewEvent { kind: 'gap' | 'skipped' | 'truncated' | 'lost-sync' | 'websocket-close'; side: Side; bytes: number; frame: number; time: number }

export interface ViewConnection {
  stream: number;
  protocol: ConnectionProtocol;
  client: string;
  broker: string;
  clientId: string | null;
  version: 3 | 4 | 5 | null;
  packetCount: number;
  bytes: number;
  duration: number;
  malformed: number;
  fromStart: boolean;
  websocketPath: string | null;
  events: ViewEvent[];
  packets: ViewPacket[];
}

export interface CaptureView {
  name: string;
  format: 'pcap' | 'pcapng';
  frames: number;
  fileBytes: number;
  error: CaptureAnalysis['error'];
  /** MQTT, MQTT over WebSocket and TLS connections; others are only counted. */
  connections: ViewConnection[];
  otherConnections: number;
  buffer: ArrayBuffer;
}

export function endpointText(e: { ip: string; port: number }): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

export function clockText(t: Timestamp): string {
  const d = new Date(t.sec * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(Math.floor(t.nsec / 1000), 6)}`;
}

const relative = (t: Timestamp, start: Timestamp | null) => (start === null ? 0 : (t.sec - start.sec) + (t.nsec - start.nsec) / 1e9);

function viewPacket(p: CapturedPacket, at: number): ViewPacket {
  const q = p.packet;
  const out: ViewPacket = {
    index: p.index, side: p.direction === 'client-to-broker' ? 'c2b' : 'b2c', frame: p.frame, time: p.relativeTime, clock: clockText(p.time),
    type: p.type ?? '?', version: p.protocolVersion,
    malformed: p.error === null ? null : { rule: p.error.rule, field: p.error.field, offset: p.error.offset },
    at, length: p.bytes.length,
  };
  if (q !== null) {
    if (q.type === 'PUBLISH') { out.topic = q.topic; out.qos = q.qos; out.payloadLength = q.payload.length; }
    if ('packetId' in q && q.packetId !== undefined) out.packetId = q.packetId;
    if ('reasonCode' in q && q.reasonCode !== undefined) out.reasonCode = q.reasonCode;
    if (q.type === 'CONNECT') out.clientId = q.clientId;
  }
  return out;
}

/** Turns the reader's result into the view's, packing every packet's bytes into one buffer. */
export function summariseCapture(name: string, a: CaptureAnalysis): CaptureView {
  const shown = a.connections.filter((c) => c.protocol !== 'other');
  let total = 0;
  for (const c of shown) for (const p of c.packets) total += p.bytes.length;
  const buffer = new ArrayBuffer(total);
  const all = new Uint8Array(buffer);
  let at = 0;
  const connections = shown.map((c: CaptureConnection): ViewConnection => ({
    stream: c.stream, protocol: c.protocol, client: endpointText(c.client), broker: endpointText(c.broker), clientId: c.clientId,
    version: c.protocolVersion, packetCount: c.packetCount, bytes: c.bytes, duration: c.duration, malformed: c.malformed, fromStart: c.fromStart,
    websocketPath: c.websocket?.path ?? null,
    events: c.events.map((e) => ({ kind: e.kind, side: e.direction === 'client-to-broker' ? 'c2b' as const : 'b2c' as const, bytes: e.bytes, frame: e.frame, time: relative(e.time, a.start) })),
    packets: c.packets.map((p) => {
      all.set(p.bytes, at);
      const v = viewPacket(p, at);
      at += p.bytes.length;
      return v;
    }),
  }));
  return { name, format: a.format, frames: a.frames, fileBytes: a.fileBytes, error: a.error, connections, otherConnections: a.connections.length - shown.length, buffer };
}

export function packetBytes(view: CaptureView, p: ViewPacket): Uint8Array {
  return new Uint8Array(view.buffer, p.at, p.length);
}

/** Rows of the sequence diagram: packets and stream events, in time order. */
export type DiagramRow = { kind: 'packet'; packet: ViewPacket } | { kind: 'event'; event: ViewEvent };

export function diagramRows(c: ViewConnection): DiagramRow[] {
  const rows: DiagramRow[] = [...c.packets.map((packet) => ({ kind: 'packet' as const, packet })), ...c.events.map((event) => ({ kind: 'event' as const, event }))];
  const frame = (r: DiagramRow) => (r.kind === 'packet' ? r.packet.frame : r.event.frame);
  // Stable: an event sorts before the packets of its own frame (a gap precedes what follows it).
  return rows.map((r, i) => ({ r, i })).sort((x, y) => frame(x.r) - frame(y.r) || (x.r.kind === y.r.kind ? x.i - y.i : x.r.kind === 'event' ? -1 : 1)).map((x) => x.r);
}
