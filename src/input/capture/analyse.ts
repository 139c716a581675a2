/**
 * A capture file to MQTT conversations: frames → TCP segments → one reassembled byte stream per
 * direction of each connection → MQTT packets (directly, or inside WebSocket frames). MQTT is
 * recognised by content, on any port; TLS connections are listed as encrypted, never guessed at.
 *
 * Everything is plain data (structured-cloneable, JSON-able but for Uint8Arrays) so a Web Worker
 * can hand it to the page, and the command line can print it.
 */
import { decodePacket, type ProtocolVersion } from '../../mqtt/codec/index.ts';
import { CaptureFileError, captureFormat, type CaptureFormat, type Frame, type FrameSource, type Timestamp } from './frames.ts';
import { decodeLayers, endpointText, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpSegment } from './packet-layers.ts';
import { readPcap } from './pcap.ts';
import { readPcapng } from './pcapng.ts';
import { DirectionReassembler } from './tcp-reassembly.ts';
import { looksLikeMqttStart, MqttStream, type ConversationState, type Direction, type StreamEvent, type StreamPacket } from './mqtt-stream.ts';
import { namesMqtt, readHttpHead, startsLikeHttp, WebSocketFrames, webSocketSyncPoint } from './websocket.ts';

export interface Endpoint { ip: string; port: number }

export type ConnectionProtocol = 'mqtt' | 'mqtt-websocket' | 'tls' | 'other';

export interface CapturedPacket extends StreamPacket {
  /** 0-based position among this connection's packets. */
  index: number;
  /** Seconds since the capture's first frame. */
  relativeTime: number;
}

export interface CaptureConnection {
  /** 0-based, in order of each connection's first frame (tshark's tcp.stream numbering). */
  stream: number;
  client: Endpoint;
  broker: Endpoint;
  /** How the client side was told apart: who sent the SYN, or (joined midway) a guess by port. */
  clientBy: 'syn' | 'connect' | 'port';
  protocol: ConnectionProtocol;
  /** For 'mqtt-websocket': the request path and the subprotocol the broker chose. */
  websocket: { path: string; subprotocol: string | null } | null;
  clientId: string | null;
  protocolVersion: ProtocolVersion | null;
  packetCount: number;
  /** TCP payload bytes, both directions, retransmissions not counted. */
  bytes: number;
  start: Timestamp;
  end: Timestamp;
  /** end − start in seconds. */
  duration: number;
  malformed: number;
  packets: CapturedPacket[];
  events: StreamEvent[];
  retransmittedBytes: number;
  outOfOrderSegments: number;
  /** Whether the capture saw the connection open (its SYN) or joined it midway. */
  fromStart: boolean;
  firstFrame: number;
}

export interface CaptureAnalysis {
  format: CaptureFormat;
  frames: number;
  fileBytes: number;
  /** The earliest frame time; every relativeTime counts from it. */
  start: Timestamp | null;
  connections: CaptureConnection[];
  /** Frames not followed: link types we do not read, non-TCP traffic, IP fragments. */
  skipped: { link: number; network: number; notTcp: number; fragment: number; short: number };
  /** Set when the file is cut short or corrupt; every connection before the fault is still listed. */
  error: CaptureError | null;
}

/**
 * Where and how a file is damaged. `record` and `message` are English (the command line prints
 * them); `unit`, `index` and `kind` let a view say the same in the reader's language.
 */
export interface CaptureError {
  offset: number;
  record: string;
  message: string;
  unit: 'file-header' | 'record' | 'block';
  /** 1-based number of the record or block; 0 for the file header. */
  index: number;
  kind: 'truncated' | 'corrupt';
}

function captureError(e: CaptureFileError): CaptureError {
  const m = /^(record|block) (\d+)/.exec(e.record);
  return {
    offset: e.offset, record: e.record, message: e.explanation,
    unit: m === null ? 'file-header' : m[1] === 'record' ? 'record' : 'block',
    index: m === null ? 0 : Number(m[2]),
    kind: /ends inside|needs \d+ bytes; the file has/.test(e.explanation) ? 'truncated' : 'corrupt',
  };
}

export interface AnalyseOptions {
  /** Called now and then with the fraction of the file read (0…1). */
  onProgress?: (fraction: number) => void;
}

export class NotACaptureError extends Error {
  override readonly name = 'NotACaptureError';
}

export function isCapture(bytes: Uint8Array): boolean {
  return captureFormat(bytes) !== null;
}

export function openCapture(bytes: Uint8Array): FrameSource {
  const format = captureFormat(bytes);
  if (format === 'pcap') return readPcap(bytes);
  if (format === 'pcapng') return readPcapng(bytes);
  throw new NotACaptureError('Not a pcap or pcapng file: the first four bytes are no capture magic number');
}

export function analyseCapture(bytes: Uint8Array, options: AnalyseOptions = {}): CaptureAnalysis {
  let source: FrameSource;
  try {
    source = openCapture(bytes);
  } catch (error) {
    if (error instanceof CaptureFileError) {
      return { format: captureFormat(bytes) ?? 'pcap', frames: 0, fileBytes: bytes.length, start: null, connections: [], skipped: { link: 0, network: 0, notTcp: 0, fragment: 0, short: 0 }, error: captureError(error) };
    }
    throw error;
  }
  const tracker = new Tracker();
  const skipped = { link: 0, network: 0, notTcp: 0, fragment: 0, short: 0 };
  let frames = 0;
  let error: CaptureAnalysis['error'] = null;
  let nextReport = 0;
  try {
    for (const frame of source.frames()) {
      frames++;
      if (options.onProgress !== undefined && frame.offset >= nextReport) {
        options.onProgress(frame.offset / bytes.length);
        nextReport = frame.offset + Math.max(1 << 20, bytes.length / 100);
      }
      const layers = decodeLayers(frame.linkType, frame.data);
      if (layers.kind === 'tcp') tracker.segment(layers.segment, frame);
      else if (layers.reason === 'not-tcp') skipped.notTcp++;
      else skipped[layers.reason]++;
    }
  } catch (e) {
    if (!(e instanceof CaptureFileError)) throw e;
    error = captureError(e);
  }
  const connections = tracker.finish();
  options.onProgress?.(1);
  return { format: source.format, frames, fileBytes: bytes.length, start: tracker.firstTime, connections, skipped, error };
}

// ---------------------------------------------------------------------------------------------

function seconds(t: Timestamp): number {
  return t.sec + t.nsec / 1e9;
}

export function timeDifference(a: Timestamp, b: Timestamp): number {
  return (a.sec - b.sec) + (a.nsec - b.nsec) / 1e9;
}

class Tracker {
  private open = new Map<string, Conversation>();
  private all: Conversation[] = [];
  firstTime: Timestamp | null = null;
  private lastTime: Timestamp = { sec: 0, nsec: 0 };
  private lastFrame = 0;

  segment(s: TcpSegment, frame: Frame): void {
    if (this.firstTime === null || seconds(frame.time) < seconds(this.firstTime)) this.firstTime = frame.time;
    this.lastTime = frame.time;
    this.lastFrame = frame.number;
    const a = endpointText(s.src, s.srcPort);
    const b = endpointText(s.dst, s.dstPort);
    const key = a < b ? `${a} ${b}` : `${b} ${a}`;
    let conv = this.open.get(key);
    const isSyn = (s.flags & TCP_SYN) !== 0 && (s.flags & TCP_ACK) === 0;
    // A new SYN on a finished connection's address pair is a new connection (port reuse).
    if (conv !== undefined && isSyn && (conv.finished || (conv.synSeq !== null && conv.synSeq !== s.seq))) conv = undefined;
    if (conv === undefined) {
      conv = new Conversation(this.all.length, s, frame, isSyn);
      this.open.set(key, conv);
      this.all.push(conv);
    }
    conv.segment(s, frame, isSyn);
  }

  finish(): CaptureConnection[] {
    return this.all.map((c) => c.finish(this.lastTime, this.lastFrame, this.firstTime ?? { sec: 0, nsec: 0 }));
  }
}

type Handler =
  | { kind: 'detect' }
  | { kind: 'mqtt'; stream: MqttStream }
  | { kind: 'http'; stream: MqttStream }
  | { kind: 'websocket'; frames: WebSocketFrames; stream: MqttStream }
  /** WebSocket joined midway: bytes held until a frame boundary is found (webSocketSyncPoint). */
  | { kind: 'ws-sync'; stream: MqttStream; buffer: Uint8Array; chunks: Array<{ length: number; time: Timestamp; frame: number }> }
  | { kind: 'ignore' };

/**
 * Whether the bytes open with a whole MQTT packet that decodes cleanly (3.1.1 or 5.0). An unmasked
 * binary frame header (0x82, length) is also a SUBSCRIBE's fixed header: MQTT that decodes wins.
 */
function decodesAsMqtt(bytes: Uint8Array): boolean {
  for (const protocolVersion of [4, 5] as const) {
    try {
      decodePacket(bytes.subarray(0, packetLength(bytes)), { protocolVersion });
      return true;
    } catch { /* not this version */ }
  }
  return false;
}

function packetLength(bytes: Uint8Array): number {
  let value = 0;
  for (let i = 1; i < Math.min(5, bytes.length); i++) {
    value += (bytes[i]! & 0x7f) * 128 ** (i - 1);
    if ((bytes[i]! & 0x80) === 0) return 1 + i + value;
  }
  return bytes.length + 1;
}

/** Whether an MQTT stream joined midway finds packet boundaries in these bytes (a throwaway MqttStream). */
function mqttSynchronises(direction: Direction, bytes: Uint8Array): boolean {
  let found = false;
  const probe = new MqttStream(direction, { version: null, packet: () => { found = true; }, event: () => undefined }, false);
  probe.push(bytes, { sec: 0, nsec: 0 }, 0);
  return found;
}

/** Bytes held while looking for a WebSocket frame boundary before the oldest are given up as skipped. */
const WS_SYNC_WINDOW = 64 * 1024;

class Side {
  readonly reassembler: DirectionReassembler;
  handler: Handler = { kind: 'detect' };
  /** Bytes received while the protocol is still unknown. */
  pending: Uint8Array[] = [];
  pendingTimes: Array<{ time: Timestamp; frame: number }> = [];
  bytes = 0;
  finSeen = false;
  lastTime: Timestamp;
  lastFrame: number;

  readonly conv: Conversation;
  readonly direction: Direction;

  constructor(conv: Conversation, direction: Direction, time: Timestamp, frame: number) {
    this.conv = conv;
    this.direction = direction;
    this.lastTime = time;
    this.lastFrame = frame;
    this.reassembler = new DirectionReassembler({
      data: (bytes, t, f) => this.data(bytes, t, f),
      gap: (length, t, f) => this.gap(length, t, f),
    });
  }

  data(bytes: Uint8Array, time: Timestamp, frame: number): void {
    this.bytes += bytes.length;
    this.lastTime = time;
    this.lastFrame = frame;
    const h = this.handler;
    if (h.kind === 'mqtt') h.stream.push(bytes, time, frame);
    else if (h.kind === 'websocket') h.frames.push(bytes, time, frame);
    else if (h.kind === 'http') this.http(bytes, time, frame);
    else if (h.kind === 'ws-sync') this.wsSync(bytes, time, frame, false);
    else if (h.kind === 'detect') {
      this.pending.push(bytes);
      this.pendingTimes.push({ time, frame });
      this.conv.detect(this);
    }
  }

  gap(length: number, time: Timestamp, frame: number): void {
    const h = this.handler;
    if (h.kind === 'mqtt') h.stream.gap(length, time, frame);
    else if (h.kind === 'websocket') {
      // Frame boundaries are lost with the bytes: report it and stop reading this direction.
      h.stream.gap(length, time, frame);
      this.handler = { kind: 'ignore' };
    } else if (h.kind === 'ws-sync') {
      // The held bytes and the lost ones are both skipped; the search starts again after the gap.
      if (h.buffer.length > 0) this.conv.event({ kind: 'skipped', direction: this.direction, time, frame, bytes: h.buffer.length, streamOffset: 0 });
      h.stream.gap(length, time, frame);
      h.buffer = new Uint8Array(0);
      h.chunks = [];
    } else if (h.kind === 'detect') {
      this.pending = [];
      this.pendingTimes = [];
      this.joinedCache = { chunks: 0, bytes: new Uint8Array(0) };
    }
  }

  /** Replays what was held back during detection into the handler now chosen. */
  replay(): void {
    const pending = this.pending;
    const times = this.pendingTimes;
    this.pending = [];
    this.pendingTimes = [];
    this.joinedCache = { chunks: 0, bytes: new Uint8Array(0) };
    this.bytes -= pending.reduce((n, p) => n + p.length, 0);
    pending.forEach((p, i) => this.data(p, times[i]!.time, times[i]!.frame));
  }

  joinedCache: { chunks: number; bytes: Uint8Array } = { chunks: 0, bytes: new Uint8Array(0) };

  /**
   * The held bytes as one array. The chunks stay as they came, each with its own time and frame,
   * so a protocol decided only after several segments (a connection joined midway) still gives each
   * packet the frame that completed it.
   */
  joined(): Uint8Array {
    if (this.pending.length === 1) return this.pending[0]!;
    const cache = this.joinedCache;
    if (cache.chunks === this.pending.length && cache.chunks > 0) return cache.bytes;
    const from = cache.chunks <= this.pending.length ? cache.chunks : 0;
    const fresh = this.pending.slice(from);
    const out = new Uint8Array((from === 0 ? 0 : cache.bytes.length) + fresh.reduce((n, p) => n + p.length, 0));
    let at = 0;
    if (from > 0) { out.set(cache.bytes); at = cache.bytes.length; }
    for (const p of fresh) { out.set(p, at); at += p.length; }
    this.joinedCache = { chunks: this.pending.length, bytes: out };
    return out;
  }

  /**
   * A WebSocket direction joined midway: hold bytes until frames line up (webSocketSyncPoint), report
   * the bytes before the first frame boundary as skipped, as the MQTT resynchronisation does, then
   * read frames from there. The MQTT stream inside starts unsynchronised too: a frame boundary need
   * not be a packet boundary.
   */
  wsSync(bytes: Uint8Array, time: Timestamp, frame: number, final: boolean): void {
    const h = this.handler as Extract<Handler, { kind: 'ws-sync' }>;
    let buffer = h.buffer;
    if (bytes.length > 0) {
      buffer = new Uint8Array(h.buffer.length + bytes.length);
      buffer.set(h.buffer);
      buffer.set(bytes, h.buffer.length);
      h.chunks.push({ length: bytes.length, time, frame });
    }
    const point = webSocketSyncPoint(buffer, final);
    if (point !== null) {
      const first = h.chunks.find((c, i) => h.chunks.slice(0, i + 1).reduce((n, x) => n + x.length, 0) > point.offset) ?? { time, frame };
      if (point.offset > 0) this.conv.event({ kind: 'skipped', direction: this.direction, time: first.time, frame: first.frame, bytes: point.offset, streamOffset: 0 });
      const frames = new WebSocketFrames(h.stream, () => undefined);
      this.handler = { kind: 'websocket', frames, stream: h.stream };
      // Chunk by chunk, so each packet keeps the time and frame of the segment that completed it.
      let at = 0;
      for (const c of h.chunks) {
        const from = Math.max(at, point.offset);
        if (from < at + c.length) frames.push(buffer.subarray(from, at + c.length), c.time, c.frame);
        at += c.length;
      }
      return;
    }
    if (final || buffer.length >= WS_SYNC_WINDOW) {
      // No boundary within the window: give up the window's bytes (keep a frame header's worth to retry on).
      const keep = final ? 0 : 16;
      if (buffer.length - keep > 0) this.conv.event({ kind: 'skipped', direction: this.direction, time, frame, bytes: buffer.length - keep, streamOffset: 0 });
      buffer = buffer.slice(buffer.length - keep);
      h.chunks = keep > 0 ? [{ length: keep, time, frame }] : [];
    }
    h.buffer = buffer;
  }

  private httpBuffer: Uint8Array = new Uint8Array(0);

  private http(bytes: Uint8Array, time: Timestamp, frame: number): void {
    const h = this.handler as Extract<Handler, { kind: 'http' }>;
    const joined = new Uint8Array(this.httpBuffer.length + bytes.length);
    joined.set(this.httpBuffer);
    joined.set(bytes, this.httpBuffer.length);
    const head = readHttpHead(joined);
    if (head === 'need') { this.httpBuffer = joined; return; }
    this.httpBuffer = new Uint8Array(0);
    if (head === null) { this.handler = { kind: 'ignore' }; return; }
    this.conv.httpHead(this, head);
    const frames = new WebSocketFrames(h.stream, () => undefined);
    this.handler = { kind: 'websocket', frames, stream: h.stream };
    const rest = joined.subarray(head.length);
    if (rest.length > 0) frames.push(rest, time, frame);
  }
}

class Conversation implements ConversationState {
  version: ProtocolVersion | null = null;
  protocol: ConnectionProtocol | null = null;
  websocket: { path: string; subprotocol: string | null } | null = null;
  private packets: CapturedPacket[] = [];
  private events: StreamEvent[] = [];
  finished = false;
  synSeq: number | null = null;
  readonly clientSide: Side;
  readonly brokerSide: Side;
  private readonly clientEndpoint: Endpoint;
  private readonly brokerEndpoint: Endpoint;
  private clientBy: CaptureConnection['clientBy'];
  private readonly start: Timestamp;
  private firstTime: Timestamp | null = null;

  readonly index: number;

  constructor(index: number, first: TcpSegment, frame: Frame, isSyn: boolean) {
    this.index = index;
    const src = { ip: first.src, port: first.srcPort };
    const dst = { ip: first.dst, port: first.dstPort };
    // The SYN's sender is the client. Joined midway, the lower port is taken as the broker's
    // (1883, 8883, 8080 against an ephemeral port); a CONNECT seen later corrects it.
    const srcIsClient = isSyn || first.srcPort > first.dstPort;
    this.clientBy = isSyn ? 'syn' : 'port';
    this.clientEndpoint = srcIsClient ? src : dst;
    this.brokerEndpoint = srcIsClient ? dst : src;
    this.start = frame.time;
    this.firstFrame = frame.number;
    this.clientSide = new Side(this, 'client-to-broker', frame.time, frame.number);
    this.brokerSide = new Side(this, 'broker-to-client', frame.time, frame.number);
  }

  readonly firstFrame: number;

  segment(s: TcpSegment, frame: Frame, isSyn: boolean): void {
    const fromClient = s.src === this.clientEndpoint.ip && s.srcPort === this.clientEndpoint.port;
    const side = fromClient ? this.clientSide : this.brokerSide;
    side.lastTime = frame.time;
    side.lastFrame = frame.number;
    if ((s.flags & TCP_SYN) !== 0) {
      if (isSyn) this.synSeq = s.seq;
      side.reassembler.syn(s.seq);
    }
    side.reassembler.segment(s.seq, s.payload, frame.time, frame.number);
    if ((s.flags & (TCP_FIN | TCP_RST)) !== 0) {
      side.finSeen = true;
      if ((s.flags & TCP_RST) !== 0 || (this.clientSide.finSeen && this.brokerSide.finSeen)) this.finished = true;
    }
  }

  /** Chooses the protocol from a side's first bytes, then hands both sides their handler. */
  detect(side: Side): void {
    if (this.protocol !== null) { this.assign(side); return; }
    const bytes = side.joined();
    if (bytes.length >= 3 && bytes[0] === 0x16 && bytes[1] === 0x03 && bytes[2]! <= 0x04) {
      // A TLS record header: handshake, version 3.x (RFC 8446 §5.1).
      this.protocol = 'tls';
    } else {
      const http = startsLikeHttp(bytes);
      if (http === 'need') return;
      // Joined midway after an HTTP upgrade: WebSocket frames, recognised by their framing.
      const ws = !side.reassembler.sawSyn && http === false ? webSocketSyncPoint(bytes, false) : null;
      if (ws !== null && (ws.masked || !decodesAsMqtt(bytes))) this.joinedWebSocket();
      // Joined midway, neither WebSocket frames nor MQTT packets line up yet: wait for more bytes.
      else if (!side.reassembler.sawSyn && http === false && ws === null && bytes.length < WS_SYNC_WINDOW && !mqttSynchronises(side.direction, bytes)) return;
      else if (http === true && side.reassembler.sawSyn) this.protocol = 'mqtt-websocket';
      else {
        const mqtt = looksLikeMqttStart(bytes);
        if (mqtt === 'need' && bytes.length < 64) return;
        if (mqtt === true && side.reassembler.sawSyn) this.protocol = 'mqtt';
        else if (!side.reassembler.sawSyn) this.protocol = 'mqtt'; // joined midway: resynchronise on content
        else this.protocol = 'other';
      }
    }
    this.assign(this.clientSide);
    this.assign(this.brokerSide);
  }

  private assign(side: Side): void {
    if (side.handler.kind !== 'detect') return;
    const direction = side.direction;
    switch (this.protocol) {
      case 'mqtt':
        side.handler = { kind: 'mqtt', stream: new MqttStream(direction, this, side.reassembler.sawSyn) };
        break;
      case 'mqtt-websocket':
        side.handler = side.reassembler.sawSyn
          ? { kind: 'http', stream: new MqttStream(direction, this, true) }
          : { kind: 'ws-sync', stream: new MqttStream(direction, this, false), buffer: new Uint8Array(0), chunks: [] };
        break;
      default:
        side.handler = { kind: 'ignore' };
    }
    side.replay();
  }

  /** The conversation is MQTT over WebSocket, joined after its upgrade: no path or subprotocol was seen. */
  private joinedWebSocket(): void {
    this.protocol = 'mqtt-websocket';
    this.websocket = { path: '', subprotocol: null };
  }

  httpHead(side: Side, head: { startLine: string; headers: Map<string, string> }): void {
    if (side === this.clientSide) {
      const path = head.startLine.split(' ')[1] ?? '';
      this.websocket = { path, subprotocol: this.websocket?.subprotocol ?? null };
      if ((head.headers.get('upgrade') ?? '').toLowerCase() !== 'websocket') this.protocol = 'other';
    } else {
      const chosen = head.headers.get('sec-websocket-protocol') ?? null;
      this.websocket = { path: this.websocket?.path ?? '', subprotocol: chosen };
      if (!/^HTTP\/1\.[01] 101/.test(head.startLine)) this.protocol = 'other';
      else if (!namesMqtt(chosen ?? undefined) && this.packets.length === 0) this.protocol = 'other';
    }
  }

  packet(p: StreamPacket): void {
    if (this.protocol === 'other') this.protocol = this.websocket !== null ? 'mqtt-websocket' : 'mqtt';
    this.firstTime ??= p.time;
    this.packets.push({ ...p, index: this.packets.length, relativeTime: 0 });
  }

  event(e: StreamEvent): void {
    this.events.push(e);
  }

  finish(lastTime: Timestamp, lastFrame: number, captureStart: Timestamp): CaptureConnection {
    for (const side of [this.clientSide, this.brokerSide]) {
      side.reassembler.finish();
      const h = side.handler;
      if (h.kind === 'detect' && side.pending.length > 0) {
        // Too little to decide from (a few bytes): decide with what there is.
        if (this.protocol === null && !side.reassembler.sawSyn) {
          const ws = webSocketSyncPoint(side.joined(), true);
          if (ws !== null && (ws.masked || !decodesAsMqtt(side.joined()))) this.joinedWebSocket();
        }
        if (this.protocol === null) this.protocol = side.reassembler.sawSyn ? (looksLikeMqttStart(side.joined()) === false ? 'other' : 'mqtt') : 'mqtt';
        this.assign(side);
      }
      if (side.handler.kind === 'ws-sync') side.wsSync(new Uint8Array(0), side.lastTime ?? lastTime, side.lastFrame ?? lastFrame, true);
      const after = side.handler;
      if (after.kind === 'mqtt' || after.kind === 'websocket' || after.kind === 'http') after.stream.finish(side.lastTime ?? lastTime, side.lastFrame ?? lastFrame);
    }
    // A CONNECT travels from client to broker: if the guess by port was wrong, swap.
    let client = this.clientEndpoint;
    let broker = this.brokerEndpoint;
    const connect = this.packets.find((p) => p.packet?.type === 'CONNECT');
    if (this.clientBy === 'port' && connect !== undefined && connect.direction === 'broker-to-client') {
      [client, broker] = [broker, client];
      for (const p of this.packets) p.direction = p.direction === 'client-to-broker' ? 'broker-to-client' : 'client-to-broker';
      for (const e of this.events) e.direction = e.direction === 'client-to-broker' ? 'broker-to-client' : 'client-to-broker';
      this.clientBy = 'connect';
    }
    // Packets are emitted when decoded; a direction that waited to resynchronise may emit late.
    // Wireshark's order is the order of the frames that completed them.
    this.packets.sort((x, y) => x.frame - y.frame || x.index - y.index);
    this.packets.forEach((p, i) => { p.index = i; p.relativeTime = timeDifference(p.time, captureStart); });
    this.events.sort((x, y) => x.frame - y.frame);
    const end = [this.clientSide.lastTime, this.brokerSide.lastTime].reduce((a, b) => (seconds(b) > seconds(a) ? b : a));
    const protocol = this.protocol ?? 'other';
    const clientId = connect?.packet?.type === 'CONNECT' ? connect.packet.clientId : null;
    return {
      stream: this.index,
      client, broker, clientBy: this.clientBy,
      protocol: protocol === 'mqtt' && this.packets.length === 0 ? 'other' : protocol,
      websocket: this.websocket,
      clientId,
      protocolVersion: this.version ?? (this.packets[0]?.protocolVersion ?? null),
      packetCount: this.packets.length,
      bytes: this.clientSide.bytes + this.brokerSide.bytes,
      start: this.start,
      end,
      duration: Math.max(0, timeDifference(end, this.start)),
      malformed: this.packets.filter((p) => p.error !== null).length,
      packets: this.packets,
      events: this.events,
      retransmittedBytes: this.clientSide.reassembler.retransmittedBytes + this.brokerSide.reassembler.retransmittedBytes,
      outOfOrderSegments: this.clientSide.reassembler.outOfOrderSegments + this.brokerSide.reassembler.outOfOrderSegments,
      fromStart: this.clientBy === 'syn',
      firstFrame: this.firstFrame,
    };
  }
}
