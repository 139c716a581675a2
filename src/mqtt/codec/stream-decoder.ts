import { IncompletePacketError, MalformedPacketError } from './errors.ts';
import { decodePacket, MAX_PACKET_SIZE, readFixedHeader } from './parser.ts';
import type { DecodedPacket, ProtocolVersion } from './types.ts';

export interface StreamDecoderOptions {
  /** The version to assume until a CONNECT announces one. Default 4 (3.1.1). */
  protocolVersion?: ProtocolVersion;
  /** Refuse any packet larger than this many bytes, before buffering it. */
  maximumPacketSize?: number;
  annotate?: boolean;
  /**
   * Allocates the buffer a packet that spans chunks is copied into. Every byte is overwritten,
   * so a Node host may pass `Buffer.allocUnsafe` and skip zero-filling, which for large packets
   * costs more than the copy itself. Default: `new Uint8Array(size)`.
   */
  allocate?: (size: number) => Uint8Array;
}

/**
 * Turns a byte stream cut into chunks of any size into packets, in order. A packet that lies
 * inside one chunk is decoded in place (its payload is a view of that chunk); one that spans
 * chunks is copied once into a buffer of exactly its size. Offsets in packets, spans and errors
 * count from the start of the stream. After a MalformedPacketError the stream is unusable, as the
 * connection it came from must be closed (MQTT-4.8.0-1).
 */
export class StreamDecoder {
  protocolVersion: ProtocolVersion;
  readonly maximumPacketSize: number;
  readonly annotate: boolean;
  private chunks: Uint8Array[] = [];
  /** Read position inside chunks[0]. */
  private head = 0;
  private buffered = 0;
  /** Stream offset of the next undecoded byte. */
  private position = 0;
  private failure: MalformedPacketError | null = null;
  private readonly header = new Uint8Array(5);
  private readonly allocate: (size: number) => Uint8Array;
  /** Whole length of the packet at the head, once its fixed header has been read; else 0. */
  private expected = 0;

  constructor(options: StreamDecoderOptions = {}) {
    this.protocolVersion = options.protocolVersion ?? 4;
    this.maximumPacketSize = options.maximumPacketSize ?? MAX_PACKET_SIZE;
    this.annotate = options.annotate ?? false;
    this.allocate = options.allocate ?? ((size) => new Uint8Array(size));
  }

  /** Bytes received but not yet part of a whole packet. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /**
   * Feeds one chunk; returns every packet it completes. Throws a MalformedPacketError when the
   * stream turns bad; packets that the same chunk completed before the bad one are lost to the
   * caller, so a receiver that must act on them (a broker) uses `feed` instead.
   */
  push(chunk: Uint8Array): DecodedPacket[] {
    const { packets, error } = this.feed(chunk);
    if (error !== null) throw error;
    return packets;
  }

  /**
   * Feeds one chunk and never throws for bad bytes: returns the packets completed, in order, and
   * the error that stopped the stream, if any (the packets before it in this chunk are still
   * returned, so "CONNECT + PUBLISH + garbage" in one TCP segment behaves as in three).
   */
  feed(chunk: Uint8Array): { packets: DecodedPacket[]; error: MalformedPacketError | null } {
    const packets: DecodedPacket[] = [];
    if (this.failure !== null) return { packets, error: this.failure };
    if (chunk.length === 0) return { packets, error: null };
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    try {
      for (;;) {
        const packet = this.next();
        if (packet === null) break;
        packets.push(packet);
      }
    } catch (error) {
      if (!(error instanceof MalformedPacketError)) throw error;
      this.failure = error;
      return { packets, error };
    }
    return { packets, error: null };
  }

  /** The error that stopped the stream, or null while it is healthy. */
  get error(): MalformedPacketError | null {
    return this.failure;
  }

  /**
   * What the stream still needs: null when nothing is pending, else how many bytes at least are
   * missing before the next packet is whole.
   */
  incomplete(): IncompletePacketError | null {
    if (this.buffered === 0) return null;
    const bytes = this.contiguous(Math.min(this.buffered, 5));
    try {
      const h = readFixedHeader(bytes, 0, this.protocolVersion);
      const length = h.headerLength + h.remainingLength;
      return new IncompletePacketError(this.position + this.buffered, length - this.buffered, 'packet');
    } catch (error) {
      if (error instanceof IncompletePacketError) return new IncompletePacketError(this.position + this.buffered, error.needed, error.field);
      throw error;
    }
  }

  private next(): DecodedPacket | null {
    if (this.buffered === 0) return null;
    // A large packet arrives over many chunks: its header is read once, then we only count bytes.
    if (this.expected !== 0 && this.buffered < this.expected) return null;
    const first = this.chunks[0]!;
    const inFirst = first.length - this.head;
    // The fixed header is at most 5 bytes; read it in place when the first chunk holds it.
    const headerBytes = inFirst >= 5 || inFirst >= this.buffered ? first : this.contiguous(Math.min(5, this.buffered));
    const headerOffset = headerBytes === first ? this.head : 0;
    let length: number;
    try {
      const h = readFixedHeader(headerBytes, headerOffset, this.protocolVersion);
      length = h.headerLength + h.remainingLength;
    } catch (error) {
      if (error instanceof IncompletePacketError) return null;
      throw this.relocate(error, headerOffset);
    }
    if (length > this.maximumPacketSize) {
      throw new MalformedPacketError(this.position + 1, 'fixedHeader.remainingLength', this.protocolVersion === 5 ? 'MQTT-5.0 §3.1.2.11.4' : 'MQTT-3.1.1 §2.2.3',
        { key: 'codec.e.tooBig', values: { length, maximum: this.maximumPacketSize } });
    }
    if (this.buffered < length) {
      this.expected = length;
      return null;
    }
    this.expected = 0;

    let bytes: Uint8Array;
    let start: number;
    if (inFirst >= length) {
      bytes = first;
      start = this.head;
    } else {
      bytes = this.take(length);
      start = 0;
    }
    let decoded: DecodedPacket;
    try {
      decoded = decodePacket(bytes, { protocolVersion: this.protocolVersion, annotate: this.annotate }, start);
    } catch (error) {
      throw this.relocate(error, start);
    }
    if (start === this.head && bytes === first) this.consume(length);
    const shift = this.position - start;
    decoded.offset = this.position;
    if (decoded.fields !== undefined && shift !== 0) for (const span of decoded.fields) span.offset += shift;
    this.position += length;
    if (decoded.packet.type === 'CONNECT') this.protocolVersion = decoded.packet.protocolLevel;
    return decoded;
  }

  /** Rewrites an error's offset from buffer-relative to stream-relative. */
  private relocate(error: unknown, bufferStart: number): unknown {
    if (!(error instanceof MalformedPacketError)) return error;
    return new MalformedPacketError(error.offset - bufferStart + this.position, error.field, error.rule, error.explanation);
  }

  /** Copies the first `n` pending bytes without consuming them (for a fixed header split across chunks). */
  private contiguous(n: number): Uint8Array {
    const out = n <= 5 ? this.header.subarray(0, n) : new Uint8Array(n);
    let filled = 0;
    let offset = this.head;
    for (const chunk of this.chunks) {
      const part = Math.min(chunk.length - offset, n - filled);
      out.set(chunk.subarray(offset, offset + part), filled);
      filled += part;
      offset = 0;
      if (filled === n) break;
    }
    return out;
  }

  /** Removes and returns the first `n` pending bytes as one new buffer: the single copy. */
  private take(n: number): Uint8Array {
    const out = this.allocate(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0]!;
      const part = Math.min(chunk.length - this.head, n - filled);
      out.set(part === chunk.length ? chunk : chunk.subarray(this.head, this.head + part), filled);
      filled += part;
      this.head += part;
      if (this.head === chunk.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    this.buffered -= n;
    return out;
  }

  private consume(n: number): void {
    this.head += n;
    this.buffered -= n;
    if (this.head === this.chunks[0]!.length) {
      this.chunks.shift();
      this.head = 0;
    }
  }
}
