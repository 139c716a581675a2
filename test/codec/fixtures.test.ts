/**
 * The hand-assembled fixtures of fixtures.ts through the codec: decoding, encoding, round trips,
 * streaming byte by byte and in random chunks, and annotation spans that tile every packet.
 */
import { describe, expect, it } from 'vitest';
import {
  bytesToHex, decodePacket, encodePacket, StreamDecoder, type DecodedPacket, type ProtocolVersion,
} from '../../src/mqtt/codec/index.ts';
import {
  ALL_TYPES, concat, FIXTURES, fixturesOf, hexToBytes, randomChunks, seededRandom, spanCoverageProblems,
} from './fixtures.ts';

const LABEL: Record<ProtocolVersion, string> = { 3: '3.1', 4: '3.1.1', 5: '5.0' };

describe('the fixture table', () => {
  it('has unique names and well-formed hex', () => {
    expect(new Set(FIXTURES.map((f) => f.name)).size).toBe(FIXTURES.length);
    for (const f of FIXTURES) expect(f.hex, f.name).toMatch(/^(?:[0-9a-f]{2})+$/);
  });

  for (const version of [3, 4, 5] as const) {
    it(`covers every packet type that exists in MQTT ${LABEL[version]}`, () => {
      const expected = ALL_TYPES.filter((type) => type !== 'AUTH' || version === 5);
      const covered = new Set(fixturesOf(version).map((f) => f.packet.type));
      expect([...covered].sort()).toEqual([...expected].sort());
    });
  }

  it('declares each remaining length that matches the bytes that follow it', () => {
    // An independent check of the hand arithmetic: the remaining length byte(s) after the type
    // byte must equal the number of bytes after them.
    for (const f of FIXTURES) {
      const b = hexToBytes(f.hex);
      let value = 0;
      let multiplier = 1;
      let i = 1;
      for (; ; i++) {
        value += (b[i]! & 0x7f) * multiplier;
        if ((b[i]! & 0x80) === 0) break;
        multiplier *= 128;
      }
      expect(b.length - (i + 1), f.name).toBe(value);
    }
  });
});

for (const version of [3, 4, 5] as const) {
  describe(`MQTT ${LABEL[version]} fixtures`, () => {
    for (const f of fixturesOf(version)) {
      describe(f.name, () => {
        const bytes = hexToBytes(f.hex);

        it('decodes to exactly the packet model', () => {
          const decoded = decodePacket(bytes, { protocolVersion: f.version });
          expect(decoded.packet).toEqual(f.packet);
          expect(decoded.offset).toBe(0);
          expect(decoded.length).toBe(bytes.length);
        });

        it('encodes the packet model to exactly the hand-written bytes', () => {
          expect(bytesToHex(encodePacket(f.packet, { protocolVersion: f.version }))).toBe(f.hex);
        });

        it('survives a round trip: decoding what was encoded gives the model, re-encoding the decoded packet gives the bytes', () => {
          const encoded = encodePacket(f.packet, { protocolVersion: f.version });
          expect(decodePacket(encoded, { protocolVersion: f.version }).packet).toEqual(f.packet);
          const decoded = decodePacket(bytes, { protocolVersion: f.version }).packet;
          expect(bytesToHex(encodePacket(decoded, { protocolVersion: f.version }))).toBe(f.hex);
        });

        it('streams byte by byte through a StreamDecoder into the same single packet', () => {
          const stream = new StreamDecoder({ protocolVersion: f.version });
          const out: DecodedPacket[] = [];
          bytes.forEach((byte, i) => {
            const got = stream.push(Uint8Array.of(byte));
            // Nothing may come out before the last byte.
            if (i < bytes.length - 1) expect(got, `after byte ${i}`).toEqual([]);
            out.push(...got);
          });
          expect(out).toHaveLength(1);
          expect(out[0]!.packet).toEqual(f.packet);
          expect(out[0]!.offset).toBe(0);
          expect(stream.pendingBytes).toBe(0);
        });

        it('annotates every byte exactly once', () => {
          const decoded = decodePacket(bytes, { protocolVersion: f.version, annotate: true });
          expect(decoded.fields).toBeDefined();
          expect(spanCoverageProblems(decoded.fields!, 0, bytes.length)).toEqual([]);
          expect(decoded.packet).toEqual(f.packet);
        });

        it('annotates every byte exactly once when it sits after other bytes in the input', () => {
          const padded = concat(Uint8Array.of(0xaa, 0xbb, 0xcc), bytes);
          const decoded = decodePacket(padded, { protocolVersion: f.version, annotate: true }, 3);
          expect(decoded.offset).toBe(3);
          expect(spanCoverageProblems(decoded.fields!, 3, padded.length)).toEqual([]);
        });
      });
    }
  });
}

/**
 * A stream of one version: its CONNECT first (so a decoder that starts at the 3.1.1 default
 * switches to the CONNECT's level), then every other fixture of that version.
 */
function streamOf(version: ProtocolVersion) {
  const fixtures = fixturesOf(version);
  const firstConnect = fixtures.findIndex((f) => f.packet.type === 'CONNECT');
  const ordered = [fixtures[firstConnect]!, ...fixtures.filter((_, i) => i !== firstConnect)];
  return { fixtures: ordered, bytes: concat(...ordered.map((f) => hexToBytes(f.hex))) };
}

describe('streams of every fixture of one version', () => {
  for (const version of [3, 4, 5] as const) {
    for (const seed of [1, 42, 2024]) {
      it(`decodes all MQTT ${LABEL[version]} fixtures back to back, fed in random chunks (seed ${seed}), into the same packets in order`, () => {
        const { fixtures, bytes } = streamOf(version);
        const stream = new StreamDecoder({ protocolVersion: version });
        const out: DecodedPacket[] = [];
        for (const chunk of randomChunks(bytes, seededRandom(seed), 40)) out.push(...stream.push(chunk));
        expect(out.map((d) => d.packet)).toEqual(fixtures.map((f) => f.packet));
        // Offsets count from the start of the stream.
        let offset = 0;
        out.forEach((d, i) => {
          expect(d.offset, fixtures[i]!.name).toBe(offset);
          offset += d.length;
        });
        expect(offset).toBe(bytes.length);
        expect(stream.pendingBytes).toBe(0);
      });
    }
  }

  for (const version of [3, 5] as const) {
    it(`switches a stream decoder left at the 3.1.1 default to MQTT ${LABEL[version]} after the CONNECT, and decodes the rest as ${LABEL[version]}`, () => {
      const { fixtures, bytes } = streamOf(version);
      const stream = new StreamDecoder();
      expect(stream.protocolVersion).toBe(4);
      const out: DecodedPacket[] = [];
      for (const chunk of randomChunks(bytes, seededRandom(7), 25)) out.push(...stream.push(chunk));
      expect(stream.protocolVersion).toBe(version);
      expect(out.map((d) => d.packet)).toEqual(fixtures.map((f) => f.packet));
    });
  }

  it('cannot decode the 5.0 packets after the CONNECT as 3.1.1 — the switch is what makes the stream work', () => {
    // The control for the test above: without the CONNECT, a 3.1.1 decoder fails on the 5.0 packets.
    const rest = fixturesOf(5).filter((f) => f.packet.type !== 'CONNECT');
    const stream = new StreamDecoder();
    expect(() => stream.push(concat(...rest.map((f) => hexToBytes(f.hex))))).toThrow();
    expect(stream.protocolVersion).toBe(4);
  });
});
