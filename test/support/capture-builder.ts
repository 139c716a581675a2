/**
 * Builds pcap and pcapng files byte by byte for the capture reader's hard cases: segments out of
 * order, retransmitted, missing; captures that join a connection midway; nanosecond pcap,
 * big-endian pcapng, Linux cooked (SLL2), IPv6, loopback. Checksums are left 0: the reader
 * does not check them (capture hosts with checksum offload write wrong ones anyway).
 */

export interface Timestamp { sec: number; nsec: number }
export interface BuiltFrame { time: Timestamp; data: Uint8Array; interfaceId?: number }
export interface Endpoint { ip: string; port: number }

export const LINK = { NULL: 0, ETHERNET: 1, RAW: 101, SLL: 113, SLL2: 276 } as const;
export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;

export function concat(...parts: Uint8Array[]): Uint8Array {
  return concatAll(parts);
}

/** concat for long lists (a spread of a million frames would overflow the call stack). */
export function concatAll(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

function u16(v: number): number[] { return [(v >> 8) & 0xff, v & 0xff]; }
function u32(v: number): number[] { return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]; }

function ipv4Bytes(ip: string): number[] { return ip.split('.').map(Number); }
function ipv6Bytes(ip: string): number[] {
  const [head, tail] = ip.includes('::') ? ip.split('::') as [string, string] : [ip, ''];
  const h = head === '' ? [] : head.split(':');
  const t = tail === '' ? [] : tail.split(':');
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => u16(parseInt(g, 16)));
}

export function tcpSegment(src: Endpoint, dst: Endpoint, seq: number, ack: number, flags: number, payload: Uint8Array): Uint8Array {
  return concat(new Uint8Array([...u16(src.port), ...u16(dst.port), ...u32(seq >>> 0), ...u32(ack >>> 0), 0x50, flags, ...u16(65535), 0, 0, 0, 0]), payload);
}

export function ipPacket(src: Endpoint, dst: Endpoint, tcp: Uint8Array): Uint8Array {
  if (src.ip.includes(':')) {
    return concat(new Uint8Array([0x60, 0, 0, 0, ...u16(tcp.length), 6, 64, ...ipv6Bytes(src.ip), ...ipv6Bytes(dst.ip)]), tcp);
  }
  return concat(new Uint8Array([0x45, 0, ...u16(20 + tcp.length), 0, 0, 0x40, 0, 64, 6, 0, 0, ...ipv4Bytes(src.ip), ...ipv4Bytes(dst.ip)]), tcp);
}

/** Wraps an IP packet in the link header of `linkType`. */
export function linkFrame(linkType: number, ip: Uint8Array, options: { vlan?: number; nullLittleEndian?: boolean } = {}): Uint8Array {
  const v6 = ip[0]! >> 4 === 6;
  const etherType = v6 ? 0x86dd : 0x0800;
  switch (linkType) {
    case LINK.ETHERNET: {
      const macs = [2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2];
      const vlan = options.vlan !== undefined ? [0x81, 0x00, ...u16(options.vlan)] : [];
      return concat(new Uint8Array([...macs, ...vlan, ...u16(etherType)]), ip);
    }
    case LINK.SLL:
      return concat(new Uint8Array([0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, ...u16(etherType)]), ip);
    case LINK.SLL2:
      return concat(new Uint8Array([...u16(etherType), 0, 0, ...u32(1), 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0]), ip);
    case LINK.RAW:
      return ip;
    case LINK.NULL: {
      const family = v6 ? 30 : 2;
      const le = options.nullLittleEndian ?? true;
      return concat(new Uint8Array(le ? [family, 0, 0, 0] : u32(family)), ip);
    }
    default:
      throw new Error(`no builder for link type ${linkType}`);
  }
}

/**
 * One TCP connection, both directions, with sequence numbers kept for you. `send` returns the
 * frame without adding it, so a test can reorder, repeat or drop frames before writing the file.
 */
export class TcpConversation {
  private seq: { client: number; broker: number };
  private clock: number;
  readonly client: Endpoint;
  readonly broker: Endpoint;
  readonly linkType: number;

  constructor(options: { client: Endpoint; broker: Endpoint; linkType?: number; clientIsn?: number; brokerIsn?: number; startSec?: number }) {
    this.client = options.client;
    this.broker = options.broker;
    this.linkType = options.linkType ?? LINK.ETHERNET;
    this.seq = { client: options.clientIsn ?? 1000, broker: options.brokerIsn ?? 50000 };
    this.clock = (options.startSec ?? 1_700_000_000) * 1e6;
  }

  /** Microseconds since the epoch of the next frame; each frame advances it by `step` µs. */
  private tick(step = 1000): Timestamp {
    this.clock += step;
    return { sec: Math.floor(this.clock / 1e6), nsec: (this.clock % 1e6) * 1000 };
  }

  /** SYN, SYN-ACK, ACK. */
  handshake(): BuiltFrame[] {
    const c = this.seq.client;
    const b = this.seq.broker;
    const frames = [
      this.frame('client', c, 0, SYN, new Uint8Array(0)),
      this.frame('broker', b, c + 1, SYN | ACK, new Uint8Array(0)),
    ];
    this.seq.client = (c + 1) >>> 0;
    this.seq.broker = (b + 1) >>> 0;
    frames.push(this.frame('client', this.seq.client, this.seq.broker, ACK, new Uint8Array(0)));
    return frames;
  }

  /** Data from one side, cut into segments of at most `mss` bytes. */
  send(from: 'client' | 'broker', bytes: Uint8Array, mss = 1460): BuiltFrame[] {
    const frames: BuiltFrame[] = [];
    for (let at = 0; at < bytes.length; at += mss) {
      const part = bytes.subarray(at, Math.min(bytes.length, at + mss));
      const other = from === 'client' ? this.seq.broker : this.seq.client;
      frames.push(this.frame(from, this.seq[from], other, PSH | ACK, part));
      this.seq[from] = (this.seq[from] + part.length) >>> 0;
    }
    return frames;
  }

  close(): BuiltFrame[] {
    const frames = [this.frame('client', this.seq.client, this.seq.broker, FIN | ACK, new Uint8Array(0))];
    this.seq.client = (this.seq.client + 1) >>> 0;
    frames.push(this.frame('broker', this.seq.broker, this.seq.client, FIN | ACK, new Uint8Array(0)));
    this.seq.broker = (this.seq.broker + 1) >>> 0;
    return frames;
  }

  frame(from: 'client' | 'broker', seq: number, ack: number, flags: number, payload: Uint8Array): BuiltFrame {
    const [src, dst] = from === 'client' ? [this.client, this.broker] : [this.broker, this.client];
    return { time: this.tick(), data: linkFrame(this.linkType, ipPacket(src, dst, tcpSegment(src, dst, seq, ack, flags, payload))) };
  }
}

export function pcapFile(frames: BuiltFrame[], options: { linkType?: number; littleEndian?: boolean; nanoseconds?: boolean } = {}): Uint8Array {
  const le = options.littleEndian ?? true;
  const parts: Uint8Array[] = [];
  const header = new DataView(new ArrayBuffer(24));
  header.setUint32(0, options.nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4, le);
  header.setUint16(4, 2, le);
  header.setUint16(6, 4, le);
  header.setUint32(16, 262144, le);
  header.setUint32(20, options.linkType ?? LINK.ETHERNET, le);
  parts.push(new Uint8Array(header.buffer));
  for (const f of frames) {
    const r = new DataView(new ArrayBuffer(16));
    r.setUint32(0, f.time.sec, le);
    r.setUint32(4, options.nanoseconds ? f.time.nsec : Math.floor(f.time.nsec / 1000), le);
    r.setUint32(8, f.data.length, le);
    r.setUint32(12, f.data.length, le);
    parts.push(new Uint8Array(r.buffer), f.data);
  }
  return concatAll(parts);
}

export interface PcapngInterface { linkType: number; /** if_tsresol: 6 (µs, the default), 9 (ns)… */ tsresol?: number }

function block(type: number, body: Uint8Array, le: boolean): Uint8Array {
  const padded = concat(body, new Uint8Array((4 - (body.length % 4)) % 4));
  const total = 12 + padded.length;
  const head = new DataView(new ArrayBuffer(8));
  head.setUint32(0, type, le);
  head.setUint32(4, total, le);
  const tail = new DataView(new ArrayBuffer(4));
  tail.setUint32(0, total, le);
  return concat(new Uint8Array(head.buffer), padded, new Uint8Array(tail.buffer));
}

/** Frames go in Enhanced Packet Blocks on their `interfaceId` (default 0); `simple` uses Simple Packet Blocks. */
export function pcapngFile(frames: BuiltFrame[], options: { interfaces?: PcapngInterface[]; littleEndian?: boolean; simple?: boolean } = {}): Uint8Array {
  const le = options.littleEndian ?? true;
  const interfaces = options.interfaces ?? [{ linkType: LINK.ETHERNET }];
  const parts: Uint8Array[] = [];
  const shb = new DataView(new ArrayBuffer(16));
  shb.setUint32(0, 0x1a2b3c4d, le);
  shb.setUint16(4, 1, le);
  shb.setUint16(6, 0, le);
  shb.setInt32(8, -1, le);
  shb.setInt32(12, -1, le);
  parts.push(block(0x0a0d0d0a, new Uint8Array(shb.buffer), le));
  for (const i of interfaces) {
    const idb = new DataView(new ArrayBuffer(i.tsresol !== undefined ? 20 : 8));
    idb.setUint16(0, i.linkType, le);
    idb.setUint32(4, 262144, le);
    if (i.tsresol !== undefined) {
      idb.setUint16(8, 9, le); // if_tsresol
      idb.setUint16(10, 1, le);
      idb.setUint8(12, i.tsresol);
      // 13..15 padding, 16..19 opt_endofopt
    }
    parts.push(block(1, new Uint8Array(idb.buffer), le));
  }
  for (const f of frames) {
    if (options.simple) {
      const spb = new DataView(new ArrayBuffer(4));
      spb.setUint32(0, f.data.length, le);
      parts.push(block(3, concat(new Uint8Array(spb.buffer), f.data), le));
      continue;
    }
    const id = f.interfaceId ?? 0;
    const resol = interfaces[id]!.tsresol ?? 6;
    const units = BigInt(f.time.sec) * 10n ** BigInt(resol) + BigInt(f.time.nsec) / 10n ** BigInt(9 - resol);
    const epb = new DataView(new ArrayBuffer(20));
    epb.setUint32(0, id, le);
    epb.setUint32(4, Number(units >> 32n), le);
    epb.setUint32(8, Number(units & 0xffffffffn), le);
    epb.setUint32(12, f.data.length, le);
    epb.setUint32(16, f.data.length, le);
    parts.push(block(6, concat(new Uint8Array(epb.buffer), f.data), le));
  }
  return concatAll(parts);
}

/** A WebSocket frame (RFC 6455 §5.2); client frames are masked with `mask`. */
export function wsFrame(opcode: number, payload: Uint8Array, options: { fin?: boolean; mask?: [number, number, number, number] } = {}): Uint8Array {
  const fin = options.fin ?? true;
  const head: number[] = [(fin ? 0x80 : 0) | opcode];
  const maskBit = options.mask !== undefined ? 0x80 : 0;
  if (payload.length < 126) head.push(maskBit | payload.length);
  else if (payload.length < 65536) head.push(maskBit | 126, ...u16(payload.length));
  else head.push(maskBit | 127, 0, 0, 0, 0, ...u32(payload.length));
  if (options.mask === undefined) return concat(new Uint8Array(head), payload);
  const masked = payload.map((b, i) => b ^ options.mask![i & 3]!);
  return concat(new Uint8Array([...head, ...options.mask]), masked);
}

export function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
