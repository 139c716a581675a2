/**
 * Cuts a captured byte stream (one direction of one connection) into packets with their own
 * bytes, for the packet log in real-broker mode, where MQTT.js only tells us about packet objects.
 */
import { StreamDecoder, type MalformedPacketError, type Packet, type ProtocolVersion } from '../codec/index.ts';

export interface CapturedPacket {
  packet: Packet;
  bytes: Uint8Array;
}

export class PacketCapture {
  private readonly decoder: StreamDecoder;
  private chunks: Uint8Array[] = [];
  /** Stream offset of chunks[0][0]. */
  private start = 0;

  constructor(protocolVersion: ProtocolVersion) {
    this.decoder = new StreamDecoder({ protocolVersion });
  }

  feed(chunk: Uint8Array): { packets: CapturedPacket[]; error: MalformedPacketError | null } {
    if (chunk.length === 0) return { packets: [], error: null };
    this.chunks.push(chunk);
    const { packets, error } = this.decoder.feed(chunk);
    return { packets: packets.map((d) => ({ packet: d.packet, bytes: this.take(d.offset, d.length) })), error };
  }

  /** The bytes at [offset, offset + length) of the stream; forgets everything before their end. */
  private take(offset: number, length: number): Uint8Array {
    this.forget(offset);
    const out = new Uint8Array(length);
    let filled = 0;
    let skip = offset - this.start;
    for (const chunk of this.chunks) {
      if (skip >= chunk.length) { skip -= chunk.length; continue; }
      const part = Math.min(chunk.length - skip, length - filled);
      out.set(chunk.subarray(skip, skip + part), filled);
      filled += part;
      skip = 0;
      if (filled === length) break;
    }
    this.forget(offset + length);
    return out;
  }

  private forget(before: number): void {
    while (this.chunks.length > 0 && this.start + this.chunks[0]!.length <= before) this.start += this.chunks.shift()!.length;
  }
}
