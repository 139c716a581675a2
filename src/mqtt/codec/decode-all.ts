import { IncompletePacketError, MalformedPacketError } from './errors.ts';
import { decodePacket, MAX_PACKET_SIZE, readFixedHeader } from './parser.ts';
import { PROTOCOL_VERSION_LABELS } from './constants.ts';
import type { CodecMessage, DecodedPacket, ProtocolVersion } from './types.ts';

export interface PacketFailure {
  /** Where the failed packet starts. */
  packetOffset: number;
  /** Its whole length when its fixed header could be read, else null. */
  packetLength: number | null;
  error: MalformedPacketError;
}

export interface DecodeAllResult {
  packets: DecodedPacket[];
  /** Malformed packets, in order. With `keepGoing`, decoding resumes after each one whose framing held. */
  failures: PacketFailure[];
  /** Set when the input ends inside a packet. */
  incomplete: IncompletePacketError | null;
  /** The version in force at the end (a CONNECT switches it). */
  protocolVersion: ProtocolVersion;
}

export interface DecodeAllOptions {
  protocolVersion?: ProtocolVersion;
  annotate?: boolean;
  /** After a malformed packet whose remaining length is intact, go on with the next packet. */
  keepGoing?: boolean;
  maximumPacketSize?: number;
}

/** Decodes every packet in `bytes`, one after another, following the version a CONNECT announces. */
export function decodeAll(bytes: Uint8Array, options: DecodeAllOptions = {}): DecodeAllResult {
  let version: ProtocolVersion = options.protocolVersion ?? 4;
  const packets: DecodedPacket[] = [];
  const failures: PacketFailure[] = [];
  let incomplete: IncompletePacketError | null = null;
  let offset = 0;
  while (offset < bytes.length) {
    try {
      const decoded = decodePacket(bytes, { protocolVersion: version, annotate: options.annotate ?? false, maximumPacketSize: options.maximumPacketSize ?? MAX_PACKET_SIZE }, offset);
      packets.push(decoded);
      if (decoded.packet.type === 'CONNECT') version = decoded.packet.protocolLevel;
      offset += decoded.length;
    } catch (error) {
      if (error instanceof IncompletePacketError) {
        incomplete = error;
        break;
      }
      if (!(error instanceof MalformedPacketError)) throw error;
      const packetLength = framedLength(bytes, offset, version);
      failures.push({ packetOffset: offset, packetLength, error });
      if (!options.keepGoing || packetLength === null) break;
      offset += packetLength;
    }
  }
  return { packets, failures, incomplete, protocolVersion: version };
}

/** The whole length of the packet at `offset` if its fixed header reads and its bytes are all there. */
function framedLength(bytes: Uint8Array, offset: number, version: ProtocolVersion): number | null {
  try {
    const h = readFixedHeader(bytes, offset, version);
    const length = h.headerLength + h.remainingLength;
    return offset + length <= bytes.length ? length : null;
  } catch {
    return null;
  }
}

export interface VersionGuess {
  protocolVersion: ProtocolVersion;
  /** Why, as a message a person can check (codec.v.*): e.g. the CONNECT at byte 0 announces level 5. */
  reason: CodecMessage;
}

/**
 * Picks the protocol version for bytes whose version nobody stated: a leading CONNECT announces
 * it; otherwise the version under which the bytes decode furthest without a malformed packet,
 * preferring 3.1.1 on a tie because both parse (say so, so the user can override).
 */
export function detectProtocolVersion(bytes: Uint8Array): VersionGuess {
  try {
    const h = readFixedHeader(bytes, 0, 5);
    if (h.type === 'CONNECT') {
      const first = decodeAll(bytes.subarray(0, Math.min(bytes.length, h.headerLength + h.remainingLength)), { protocolVersion: 5 });
      const connect = first.packets[0]?.packet;
      if (connect?.type === 'CONNECT') {
        return { protocolVersion: connect.protocolLevel, reason: { key: 'codec.v.connect', values: { level: connect.protocolLevel, label: PROTOCOL_VERSION_LABELS[connect.protocolLevel] } } };
      }
      const level = peekLevel(bytes, h.headerLength);
      if (level !== null) return { protocolVersion: level, reason: { key: 'codec.v.connectBroken', values: { level } } };
    }
  } catch {
    // Not even a fixed header: fall through to the trial decode, which will report the problem.
  }
  const candidates: ProtocolVersion[] = [4, 5, 3];
  const scored = candidates.map((v) => {
    const r = decodeAll(bytes, { protocolVersion: v, keepGoing: true });
    const good = r.packets.reduce((n, p) => n + p.length, 0);
    return { v, good, failures: r.failures.length, packets: r.packets.length };
  });
  const best = scored.reduce((a, b) => (b.failures < a.failures || (b.failures === a.failures && b.good > a.good) ? b : a));
  const v4 = scored[0]!;
  const v5 = scored[1]!;
  if (v4.failures === v5.failures && v4.good === v5.good) {
    return { protocolVersion: 4, reason: { key: v4.failures === 0 ? 'codec.v.same' : 'codec.v.neither' } };
  }
  const other = best.v === 5 ? v4 : v5;
  return {
    protocolVersion: best.v,
    reason: other.failures > best.failures
      ? { key: 'codec.v.cleanNotOther', values: { label: PROTOCOL_VERSION_LABELS[best.v], other: PROTOCOL_VERSION_LABELS[other.v], n: other.failures } }
      : { key: 'codec.v.clean', values: { label: PROTOCOL_VERSION_LABELS[best.v] } },
  };
}

function peekLevel(bytes: Uint8Array, bodyStart: number): ProtocolVersion | null {
  if (bytes.length < bodyStart + 2) return null;
  const at = bodyStart + 2 + ((bytes[bodyStart]! << 8) | bytes[bodyStart + 1]!);
  const level = bytes[at];
  return level === 3 || level === 4 || level === 5 ? level : null;
}
