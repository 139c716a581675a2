/**
 * pcapng (draft-ietf-opsawg-pcapng): a sequence of blocks, each `type, total length, body, total
 * length`. A Section Header Block sets the byte order for its section; Interface Description
 * Blocks give each interface its link type and time resolution; packets come in Enhanced Packet
 * Blocks, Simple Packet Blocks or the obsolete Packet Block. Other blocks are skipped by length.
 */
import { CaptureFileError, type Frame, type FrameSource, type Timestamp } from './frames.ts';

const SHB = 0x0a0d0d0a;
const IDB = 1;
const OPB = 2;
const SPB = 3;
const EPB = 6;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BLOCK_NAMES: Record<number, string> = { [SHB]: 'Section Header Block', [IDB]: 'Interface Description Block', [OPB]: 'Packet Block', [SPB]: 'Simple Packet Block', [EPB]: 'Enhanced Packet Block', 5: 'Interface Statistics Block', 4: 'Name Resolution Block' };
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

interface Interface {
  linkType: number;
  snapLength: number;
  unitsPerSecond: bigint;
  offsetSeconds: bigint;
  /** unitsPerSecond as a number when it fits 32 bits (µs, ns: the usual), for the fast path. */
  perSecond: number | null;
  offsetNumber: number;
}

export function readPcapng(bytes: Uint8Array): FrameSource {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    format: 'pcapng',
    *frames(): Generator<Frame, void, void> {
      let at = 0;
      let blockNumber = 0;
      let littleEndian = true;
      let interfaces: Interface[] = [];
      let number = 0;
      while (at < bytes.length) {
        blockNumber++;
        const where = (type?: number): string => `block ${blockNumber}${type !== undefined ? ` (${BLOCK_NAMES[type] ?? `type 0x${type.toString(16)}`})` : ''}`;
        if (at + 12 > bytes.length) throw new CaptureFileError(at, where(), `The file ends inside a block header (${bytes.length - at} bytes left, a block has at least 12)`);
        const rawType = view.getUint32(at, true);
        if (rawType === SHB) {
          if (at + 12 > bytes.length) throw new CaptureFileError(at, where(SHB), 'The file ends inside a Section Header Block');
          const magic = view.getUint32(at + 8, true);
          if (magic === BYTE_ORDER_MAGIC) littleEndian = true;
          else if (magic === 0x4d3c2b1a) littleEndian = false;
          else throw new CaptureFileError(at + 8, where(SHB), `The byte-order magic is 0x${magic.toString(16).padStart(8, '0')}, neither 0x1a2b3c4d nor its byte swap`);
          interfaces = [];
        } else if (blockNumber === 1) {
          throw new CaptureFileError(0, where(), 'A pcapng file must start with a Section Header Block');
        }
        const type = view.getUint32(at, littleEndian);
        const total = view.getUint32(at + 4, littleEndian);
        if (total < 12 || total % 4 !== 0) throw new CaptureFileError(at + 4, where(type), `The block length ${total} is not a multiple of 4 of at least 12: the file is corrupt here`);
        if (at + total > bytes.length) throw new CaptureFileError(at, where(type), `The file ends inside a block: ${total} bytes announced, ${bytes.length - at} present`);
        const trailer = view.getUint32(at + total - 4, littleEndian);
        if (trailer !== total) throw new CaptureFileError(at + total - 4, where(type), `The block's trailing length ${trailer} differs from its leading length ${total}: the file is corrupt here`);
        const body = at + 8;
        const end = at + total - 4;
        if (type === IDB) {
          if (end - body < 8) throw new CaptureFileError(body, where(type), 'The Interface Description Block is too short');
          const iface: Interface = { linkType: view.getUint16(body, littleEndian), snapLength: view.getUint32(body + 4, littleEndian), unitsPerSecond: 1_000_000n, offsetSeconds: 0n, perSecond: 1_000_000, offsetNumber: 0 };
          forEachOption(view, body + 8, end, littleEndian, (code, valueAt, length) => {
            if (code === OPT_IF_TSRESOL && length >= 1) {
              const r = bytes[valueAt]!;
              // High bit clear: a negative power of 10; set: a negative power of 2.
              iface.unitsPerSecond = (r & 0x80) === 0 ? 10n ** BigInt(r) : 2n ** BigInt(r & 0x7f);
            } else if (code === OPT_IF_TSOFFSET && length >= 8) {
              iface.offsetSeconds = view.getBigInt64(valueAt, littleEndian);
            }
          });
          iface.perSecond = iface.unitsPerSecond <= 0xffffffffn ? Number(iface.unitsPerSecond) : null;
          iface.offsetNumber = Number(iface.offsetSeconds);
          interfaces.push(iface);
        } else if (type === EPB || type === OPB) {
          const isEpb = type === EPB;
          if (end - body < 20) throw new CaptureFileError(body, where(type), 'The packet block is too short for its fixed fields');
          const id = isEpb ? view.getUint32(body, littleEndian) : view.getUint16(body, littleEndian);
          const iface = interfaces[id];
          if (iface === undefined) throw new CaptureFileError(body, where(type), `The packet names interface ${id}, but only ${interfaces.length} were described before it`);
          const high = view.getUint32(body + 4, littleEndian);
          const low = view.getUint32(body + 8, littleEndian);
          const captured = view.getUint32(body + 12, littleEndian);
          const original = view.getUint32(body + 16, littleEndian);
          const dataAt = body + 20;
          if (dataAt + captured > end) throw new CaptureFileError(body + 12, where(type), `The packet claims ${captured} captured bytes but its block holds ${end - dataAt}`);
          number++;
          yield { number, offset: at, linkType: iface.linkType, time: toTimestamp(high, low, iface), data: bytes.subarray(dataAt, dataAt + captured), originalLength: original };
        } else if (type === SPB) {
          const iface = interfaces[0];
          if (iface === undefined) throw new CaptureFileError(body, where(type), 'A Simple Packet Block needs an interface described before it');
          const original = view.getUint32(body, littleEndian);
          const room = end - (body + 4);
          const captured = Math.min(original, iface.snapLength === 0 ? room : iface.snapLength, room);
          number++;
          // A Simple Packet Block has no time: it takes none, as Wireshark shows it.
          yield { number, offset: at, linkType: iface.linkType, time: { sec: 0, nsec: 0 }, data: bytes.subarray(body + 4, body + 4 + captured), originalLength: original };
        }
        at += total;
      }
    },
  };
}

function toTimestamp(high: number, low: number, iface: Interface): Timestamp {
  const perSecond = iface.perSecond;
  if (perSecond !== null) {
    // Long division of the 64-bit count by units-per-second, 16 bits at a time: every step stays
    // below 2^53, so it is exact without BigInt (which costs microseconds per frame).
    let rem = 0;
    let q = 0;
    for (const limb of [high >>> 16, high & 0xffff, low >>> 16, low & 0xffff]) {
      const cur = rem * 65536 + limb;
      const digit = Math.floor(cur / perSecond);
      rem = cur - digit * perSecond;
      q = q * 65536 + digit;
    }
    const nsec = 1e9 % perSecond === 0 ? rem * (1e9 / perSecond) : Math.floor((rem * 1e9) / perSecond);
    return { sec: q + iface.offsetNumber, nsec };
  }
  const units = (BigInt(high) << 32n) | BigInt(low);
  const sec = units / iface.unitsPerSecond;
  const rest = units % iface.unitsPerSecond;
  return { sec: Number(sec + iface.offsetSeconds), nsec: Number((rest * 1_000_000_000n) / iface.unitsPerSecond) };
}

function forEachOption(view: DataView, from: number, end: number, littleEndian: boolean, visit: (code: number, valueAt: number, length: number) => void): void {
  let at = from;
  while (at + 4 <= end) {
    const code = view.getUint16(at, littleEndian);
    const length = view.getUint16(at + 2, littleEndian);
    if (code === 0) return;
    if (at + 4 + length > end) return;
    visit(code, at + 4, length);
    at += 4 + length + ((4 - (length % 4)) % 4);
  }
}
