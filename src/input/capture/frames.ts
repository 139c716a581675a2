/**
 * What the pcap and pcapng readers hand on: one captured frame at a time, with its link type and
 * time, and an error that names the byte offset and the record when a file is cut short or broken.
 */

/** A time as the file stores it, split so nanoseconds survive (seconds × 1e9 overflows a double's integers). */
export interface Timestamp { sec: number; nsec: number }

export interface Frame {
  /** 1-based, in file order, counting only packet records (as Wireshark numbers frames). */
  number: number;
  /** Byte offset of the record (pcap) or block (pcapng) in the file. */
  offset: number;
  linkType: number;
  time: Timestamp;
  /** The captured bytes (a view into the file, not a copy). */
  data: Uint8Array;
  /** The length on the wire; larger than data.length when the capture was cut to a snap length. */
  originalLength: number;
}

/** The file cannot be read past `offset`: which record, what is wrong. Frames before it stand. */
export class CaptureFileError extends Error {
  override readonly name = 'CaptureFileError';
  readonly offset: number;
  /** 'record 12' for pcap, 'block 7 (Enhanced Packet Block)' for pcapng, 'file header' before any. */
  readonly record: string;
  readonly explanation: string;
  constructor(offset: number, record: string, explanation: string) {
    super(`${explanation} (${record}, byte ${offset})`);
    this.offset = offset;
    this.record = record;
    this.explanation = explanation;
  }
}

export type CaptureFormat = 'pcap' | 'pcapng';

export function captureFormat(bytes: Uint8Array): CaptureFormat | null {
  if (bytes.length < 4) return null;
  const m = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  if (m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1) return 'pcap';
  if (m === 0x0a0d0d0a) return 'pcapng';
  return null;
}

/** Frames of a capture, in file order; the reader stops at the first fault and throws CaptureFileError. */
export interface FrameSource {
  format: CaptureFormat;
  frames(): Generator<Frame, void, void>;
}
