/**
 * Classic libpcap files: a 24-byte header, then records of 16-byte header plus data. The magic
 * number says the byte order (the writer's) and the time unit (0xa1b2c3d4 microseconds,
 * 0xa1b23c4d nanoseconds).
 */
import { CaptureFileError, type Frame, type FrameSource } from './frames.ts';

const FILE_HEADER = 24;
const RECORD_HEADER = 16;
/** Larger than any snap length a capture tool writes (tcpdump's maximum is 262144). */
const MAX_RECORD = 16 * 1024 * 1024;

export function readPcap(bytes: Uint8Array): FrameSource {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < FILE_HEADER) throw new CaptureFileError(0, 'file header', `The pcap file header needs 24 bytes; the file has ${bytes.length}`);
  const big = view.getUint32(0, false);
  const littleEndian = big === 0xd4c3b2a1 || big === 0x4d3cb2a1;
  const nano = big === 0xa1b23c4d || big === 0x4d3cb2a1;
  // The link type is the low 16 bits; the high bits may carry FCS length flags (pcap-linktype(7)).
  const linkType = view.getUint32(20, littleEndian) & 0xffff;
  return {
    format: 'pcap',
    *frames(): Generator<Frame, void, void> {
      let at = FILE_HEADER;
      let number = 0;
      while (at < bytes.length) {
        const record = `record ${number + 1}`;
        if (at + RECORD_HEADER > bytes.length) {
          throw new CaptureFileError(at, record, `The file ends inside a record header (${bytes.length - at} of 16 bytes)`);
        }
        const sec = view.getUint32(at, littleEndian);
        const frac = view.getUint32(at + 4, littleEndian);
        const included = view.getUint32(at + 8, littleEndian);
        const original = view.getUint32(at + 12, littleEndian);
        if (included > MAX_RECORD) throw new CaptureFileError(at + 8, record, `The record claims ${included} captured bytes, more than any capture tool writes: the file is corrupt here`);
        if (frac >= (nano ? 1e9 : 1e6)) throw new CaptureFileError(at + 4, record, `The record's fractional second ${frac} is out of range: the file is corrupt here`);
        const start = at + RECORD_HEADER;
        if (start + included > bytes.length) {
          throw new CaptureFileError(at, record, `The file ends inside a record: ${included} bytes announced, ${bytes.length - start} present`);
        }
        number++;
        yield { number, offset: at, linkType, time: { sec, nsec: nano ? frac : frac * 1000 }, data: bytes.subarray(start, start + included), originalLength: original };
        at = start + included;
      }
    },
  };
}
