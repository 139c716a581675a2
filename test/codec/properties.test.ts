/**
 * Property-based tests of the codec: round trips of random valid packets, the encoder never
 * writing what the decoder rejects, annotation spans tiling each packet, and robustness against
 * random and mutated bytes in one-shot and streaming decoding.
 */
import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeAll, decodePacket, encodePacket, IncompletePacketError, InvalidPacketError, isCodecError,
  MalformedPacketError, StreamDecoder, type DecodedPacket, type Packet, type ProtocolVersion, type PublishPacket,
} from '../../src/mqtt/codec/index.ts';
import {
  anyVersionPacket, applyMutations, chunkSizes, expectedAfterRoundTrip, mutation, packetArbitrary,
  packetOfType, packetTypes, VERSIONS, type Version,
} from '../support/arbitraries.ts';

const LABEL: Record<Version, string> = { 3: '3.1', 4: '3.1.1', 5: '5.0' };

/** The version a packet's bytes are in: a CONNECT's own level, else the stream's. */
const versionOf = (packet: Packet, version: Version): Version => (packet.type === 'CONNECT' ? packet.protocolLevel : version);

function encode(packet: Packet, version: Version): Uint8Array {
  return encodePacket(packet, { protocolVersion: version });
}

/** Throws unless the spans tile [offset, offset + length) exactly, in ascending order. */
function checkSpansTile(decoded: DecodedPacket): void {
  const fields = decoded.fields;
  if (fields === undefined) throw new Error('decodePacket with annotate: true returned no fields');
  let at = decoded.offset;
  for (const span of fields) {
    if (span.offset !== at) {
      throw new Error(`span ${span.path} starts at byte ${span.offset}, expected ${at} (${span.offset < at ? 'overlap' : 'gap'})`);
    }
    if (!(span.length >= 0)) throw new Error(`span ${span.path} has length ${span.length}`);
    at += span.length;
  }
  if (at !== decoded.offset + decoded.length) {
    throw new Error(`spans end at byte ${at}, the packet at ${decoded.offset + decoded.length}`);
  }
}

/** Runs `run`, and rethrows anything that is not an MQTT codec error. */
function codecErrorOr<T>(run: () => T): T | Error {
  try {
    return run();
  } catch (error) {
    if (isCodecError(error)) return error;
    throw error;
  }
}

describe('round trips of random valid packets', () => {
  for (const version of VERSIONS) {
    it(`encoding any valid ${LABEL[version]} packet and decoding it gives the same packet back, and re-encoding gives the same bytes`, () => {
      fc.assert(
        fc.property(packetArbitrary(version), (packet) => {
          const bytes = encode(packet, version);
          const decoded = decodePacket(bytes, { protocolVersion: version });
          expect(decoded.offset).toBe(0);
          expect(decoded.length).toBe(bytes.length);
          expect(decoded.length - decoded.remainingLength).toBeGreaterThanOrEqual(2);
          expect(decoded.length - decoded.remainingLength).toBeLessThanOrEqual(5);
          expect(decoded.packet).toEqual(expectedAfterRoundTrip(packet, version));
          expect(encode(decoded.packet, version)).toEqual(bytes);
        }),
        { numRuns: 1500 },
      );
    });
  }

  it('a CONNECT decodes by the protocol level it announces, whatever version the decoder was told', () => {
    const connect = fc.constantFrom<Version>(3, 4, 5).chain((level) => packetOfType('CONNECT', level).map((packet) => ({ level, packet })));
    fc.assert(
      fc.property(connect, fc.constantFrom<Version>(3, 4, 5), ({ level, packet }, told) => {
        expect(decodePacket(encode(packet, level), { protocolVersion: told }).packet).toEqual(packet);
      }),
      { numRuns: 600 },
    );
  });

  it('the arbitraries reach every packet type of every version and the corners the properties are meant to cover', () => {
    const seen = new Set<string>();
    const corners = new Set<string>();
    for (const { version, packet } of fc.sample(anyVersionPacket, { numRuns: 6000, seed: 42 })) {
      seen.add(`${version} ${packet.type}`);
      const props = 'properties' in packet ? packet.properties : undefined;
      const names = (props?.userProperties ?? []).map(([name]) => name);
      if (names.length !== new Set(names).size) corners.add('repeated user property name');
      if (names.some((name, i) => i >= 2 && name === names[i - 2] && name !== names[i - 1])) corners.add('interleaved user property names');
      if ((props?.subscriptionIdentifiers ?? []).some((id) => id > 2_097_151)) corners.add('four-byte subscription identifier');
      if (packet.type === 'PUBLISH') {
        if (packet.topic === '') corners.add('empty topic with a topic alias');
        if (packet.topic.includes('//') || packet.topic.startsWith('/')) corners.add('empty topic level');
        if (packet.payload.length > 127) corners.add('payload over 127 bytes');
        if (/[\u{10000}-\u{10ffff}]/u.test(packet.topic)) corners.add('astral character in a topic');
        if (version === 3 && packet.qos === 0 && packet.dup) corners.add('3.1 DUP with QoS 0');
      }
      if (packet.type === 'SUBSCRIBE') {
        for (const s of packet.subscriptions) {
          if (s.topicFilter.startsWith('$share/')) corners.add('shared subscription');
          if (s.topicFilter.endsWith('#')) corners.add('multi-level wildcard');
          if (s.topicFilter.split('/').includes('+')) corners.add('single-level wildcard');
        }
      }
      if (packet.type === 'CONNECT' && packet.password !== undefined && packet.username === undefined) corners.add('5.0 password without user name');
      if (packet.type === 'CONNACK' && packet.sessionPresent) corners.add('session present');
      if ((packet.type === 'PUBACK' || packet.type === 'DISCONNECT') && version === 5 && packet.reasonCode === undefined && packet.properties === undefined) corners.add('5.0 short form');
    }
    const expected = VERSIONS.flatMap((version) => packetTypes(version).map((type) => `${version} ${type}`));
    expect([...seen].sort()).toEqual(expected.sort());
    expect([...corners].sort()).toEqual([
      '3.1 DUP with QoS 0', '5.0 password without user name', '5.0 short form', 'astral character in a topic',
      'empty topic level', 'empty topic with a topic alias', 'four-byte subscription identifier',
      'interleaved user property names', 'multi-level wildcard', 'payload over 127 bytes',
      'repeated user property name', 'session present', 'shared subscription', 'single-level wildcard',
    ]);
  });
});

// -----------------------------------------------------------------------------------------------
// The encoder never writes what the decoder rejects.

type Path = Array<string | number>;

/** Every leaf (primitive or byte array) of a packet object, with its path. */
function leaves(value: unknown, path: Path = []): Path[] {
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return [path];
  const out: Path[] = [];
  const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [key, child] of entries) out.push(...leaves(child, [...path, key]));
  return out;
}

function withLeaf(value: unknown, path: Path, replacement: unknown, remove: boolean): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (value instanceof Uint8Array) return value;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  if (rest.length === 0 && remove && !Array.isArray(value)) delete copy[head!];
  else copy[head!] = withLeaf(copy[head!], rest, replacement, remove);
  return copy;
}

const weirdNumber = fc.oneof(
  fc.constantFrom(0, 1, 2, 3, 4, 5, 6, -1, 0x7f, 0x80, 0x81, 0xff, 0x100, 0xffff, 0x1_0000, 268_435_455, 268_435_456, 0xffff_ffff, 2 ** 32, 1.5, Number.NaN, Number.POSITIVE_INFINITY),
  fc.integer({ min: -2, max: 300 }),
);
const weirdString = fc.constantFrom(
  '', '+', '#', 'a/+', 'a/#', 'a#', '+a', '#/a', 'a/#/b', '\u0000', 'a\u0000b', '\ud800', 'x\udc00', '\udbff\udbff',
  '$share/', '$share/g', '$share/g/', '$share//a', '$share/+/a', '$share/g/a', '$share/g/+/#', 'MQTT', 'MQIsdp',
  'CONNECT', 'PUBLISH', 'PUBREL', 'SUBACK', 'PINGREQ', 'AUTH', 'x'.repeat(65_536), 'é'.repeat(32_768), '😀'.repeat(16_384),
);
const weirdBytes = fc.constantFrom(new Uint8Array(0), new Uint8Array(65_535), new Uint8Array(65_536));

/** A valid packet with exactly one leaf replaced by a value of the same JS type, or removed. */
const packetWithOneOddField = fc
  .record({
    base: anyVersionPacket,
    pick: fc.nat(),
    remove: fc.boolean(),
    number: weirdNumber,
    string: weirdString,
    bytes: weirdBytes,
  })
  .map(({ base, pick, remove, number, string, bytes }) => {
    const paths = leaves(base.packet);
    const path = paths[pick % paths.length]!;
    let current: unknown = base.packet;
    for (const key of path) current = (current as Record<string | number, unknown>)[key];
    const replacement = typeof current === 'number' ? number
      : typeof current === 'string' ? string
        : typeof current === 'boolean' ? !current
          : bytes;
    return { version: base.version, packet: withLeaf(base.packet, path, replacement, remove && !(typeof current === 'boolean')) as Packet, path: path.join('.') };
  });

describe('the encoder and the decoder agree on what is valid', () => {
  it('the encoder either refuses a packet with one odd field with an InvalidPacketError or writes bytes the decoder reads back to the same bytes', () => {
    fc.assert(
      fc.property(packetWithOneOddField, ({ version, packet }) => {
        let bytes: Uint8Array;
        try {
          bytes = encode(packet, version);
        } catch (error) {
          if (error instanceof InvalidPacketError) return;
          throw error;
        }
        const decoded = decodePacket(bytes, { protocolVersion: version });
        expect(decoded.length).toBe(bytes.length);
        expect(encode(decoded.packet, versionOf(decoded.packet, version))).toEqual(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it('whatever the decoder accepts from mutated encodings, the encoder writes back to a packet that decodes the same', () => {
    fc.assert(
      fc.property(anyVersionPacket, fc.array(mutation, { minLength: 1, maxLength: 3 }), ({ version, packet }, mutations) => {
        const bytes = applyMutations(encode(packet, version), mutations);
        const result = codecErrorOr(() => decodePacket(bytes, { protocolVersion: version }));
        if (result instanceof Error) return;
        const level = versionOf(result.packet, version);
        const again = encode(result.packet, level);
        expect(decodePacket(again, { protocolVersion: level }).packet).toEqual(result.packet);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('annotation spans', () => {
  it('the spans of an annotated decode cover every byte of a valid packet exactly once, in ascending order, and annotating changes nothing else', () => {
    fc.assert(
      fc.property(anyVersionPacket, fc.nat({ max: 3 }), ({ version, packet }, lead) => {
        // A few bytes in front: span offsets are absolute in the input.
        const encoded = encode(packet, version);
        const bytes = new Uint8Array(lead + encoded.length);
        bytes.set(encoded, lead);
        const annotated = decodePacket(bytes, { protocolVersion: version, annotate: true }, lead);
        checkSpansTile(annotated);
        const plain = decodePacket(bytes, { protocolVersion: version }, lead);
        expect(plain.fields).toBeUndefined();
        expect({ ...annotated, fields: undefined }).toEqual({ ...plain, fields: undefined });
      }),
      { numRuns: 1500 },
    );
  });

  it('checkSpansTile itself notices a gap, an overlap and a short end', () => {
    const decoded = decodePacket(Uint8Array.of(0x30, 0x04, 0x00, 0x01, 0x74, 0x78), { annotate: true });
    checkSpansTile(decoded);
    const fields = decoded.fields!;
    expect(() => checkSpansTile({ ...decoded, fields: fields.filter((_, i) => i !== 2) })).toThrow(/gap/);
    expect(() => checkSpansTile({ ...decoded, fields: [fields[0]!, fields[0]!, ...fields.slice(1)] })).toThrow(/overlap/);
    expect(() => checkSpansTile({ ...decoded, fields: fields.slice(0, -1) })).toThrow(/spans end/);
  });
});

// -----------------------------------------------------------------------------------------------
// Robustness: random and mutated bytes.

/** A first byte that is a plausible packet header more often than chance would make it. */
const headerByte = fc.oneof(
  fc.integer({ min: 0, max: 255 }),
  fc.constantFrom(0x10, 0x20, 0x30, 0x32, 0x34, 0x3b, 0x40, 0x50, 0x62, 0x70, 0x82, 0x90, 0xa2, 0xb0, 0xc0, 0xd0, 0xe0, 0xf0),
);
/** Pure noise, or noise framed by a header byte and a remaining length near the truth. */
const randomBytes = fc.oneof(
  fc.uint8Array({ maxLength: 80 }),
  fc
    .tuple(headerByte, fc.uint8Array({ maxLength: 80 }), fc.integer({ min: -2, max: 2 }))
    .map(([first, rest, delta]) => Uint8Array.of(first, Math.min(127, Math.max(0, rest.length + delta)), ...rest)),
);

/** Several valid packets of one version back to back, chunk cut points, and (maybe) 1–3 mutations. */
function packetStream(mutate: boolean) {
  return fc
    .record({
      version: fc.constantFrom<Version>(3, 4, 5),
      mutations: mutate ? fc.array(mutation, { minLength: 1, maxLength: 3 }) : fc.constant([]),
      cuts: fc.array(fc.nat(), { maxLength: 12 }),
    })
    .chain(({ version, mutations, cuts }) => fc
      .array(packetArbitrary(version), { minLength: 1, maxLength: 4 })
      .map((packets) => {
        const encoded = packets.map((packet) => encode(packet, version));
        const whole = new Uint8Array(encoded.reduce((n, b) => n + b.length, 0));
        let at = 0;
        for (const bytes of encoded) {
          whole.set(bytes, at);
          at += bytes.length;
        }
        const bytes = applyMutations(whole, mutations);
        return { version, packets, bytes, sizes: chunkSizes(bytes.length, cuts) };
      }));
}

interface StreamOutcome {
  packets: DecodedPacket[];
  error: MalformedPacketError | IncompletePacketError | null;
  /** Stream offset where the chunk that threw begins, else the input's length. */
  failingChunkStart: number;
}

function decodeStreamed(bytes: Uint8Array, sizes: readonly number[], version: ProtocolVersion, annotate: boolean): StreamOutcome {
  const decoder = new StreamDecoder({ protocolVersion: version, annotate });
  const packets: DecodedPacket[] = [];
  let at = 0;
  for (const size of sizes) {
    const chunk = bytes.subarray(at, at + size);
    try {
      packets.push(...decoder.push(chunk));
    } catch (error) {
      if (error instanceof MalformedPacketError) {
        // The stream is now dead: every further push rethrows the same failure.
        expect(() => decoder.push(Uint8Array.of(0xc0, 0x00))).toThrow(error);
        return { packets, error, failingChunkStart: at };
      }
      throw error;
    }
    at += size;
  }
  const incomplete = decoder.incomplete();
  if (incomplete === null) expect(decoder.pendingBytes).toBe(0);
  return { packets, error: incomplete, failingChunkStart: bytes.length };
}

describe('robustness against random and mutated bytes', () => {
  it('random bytes make decodePacket return a packet or throw a codec error, never anything else', () => {
    fc.assert(
      fc.property(randomBytes, fc.constantFrom<Version>(3, 4, 5), fc.boolean(), (bytes, version, annotate) => {
        const result = codecErrorOr(() => decodePacket(bytes, { protocolVersion: version, annotate }));
        if (result instanceof Error) return;
        expect(result.length).toBeLessThanOrEqual(bytes.length);
        if (annotate) checkSpansTile(result);
      }),
      { numRuns: 3000 },
    );
  });

  it('mutated valid encodings (a flipped bit, a changed, inserted or deleted byte, a truncation, a duplicated chunk) make decodePacket return a packet or throw a codec error', () => {
    let decodedSome = 0;
    let rejectedSome = 0;
    fc.assert(
      fc.property(anyVersionPacket, fc.array(mutation, { minLength: 1, maxLength: 2 }), fc.boolean(), ({ version, packet }, mutations, annotate) => {
        const bytes = applyMutations(encode(packet, version), mutations);
        const result = codecErrorOr(() => decodePacket(bytes, { protocolVersion: version, annotate }));
        if (result instanceof Error) {
          rejectedSome++;
          return;
        }
        decodedSome++;
        if (annotate) checkSpansTile(result);
      }),
      { numRuns: 3000 },
    );
    // The mutations must exercise both outcomes, or the property proves little.
    expect(decodedSome).toBeGreaterThan(100);
    expect(rejectedSome).toBeGreaterThan(100);
  });

  it('a PUBLISH whose remaining length sits on a variable-byte-integer boundary round-trips, streamed in random chunks too', () => {
    // Remaining lengths 127/128, 16 383/16 384 and 2 097 151/2 097 152 switch the length field
    // from 1 to 2, 2 to 3 and 3 to 4 bytes; the random packets above stay under 16 384.
    fc.assert(
      fc.property(
        fc.constantFrom(127, 128, 16_383, 16_384, 2_097_151, 2_097_152),
        fc.constantFrom<Version>(4, 5),
        fc.array(fc.nat(), { maxLength: 6 }),
        (remainingLength, version, cuts) => {
          const overhead = 2 + 1 + (version === 5 ? 1 : 0); // topic length + "t" + property length
          const packet: PublishPacket = { type: 'PUBLISH', dup: false, qos: 0, retain: false, topic: 't', payload: new Uint8Array(remainingLength - overhead).fill(0xa5), ...(version === 5 ? { properties: {} } : {}) };
          const bytes = encode(packet, version);
          const headerLength = remainingLength < 128 ? 2 : remainingLength < 16_384 ? 3 : remainingLength < 2_097_152 ? 4 : 5;
          expect(bytes.length).toBe(headerLength + remainingLength);
          const decoded = decodePacket(bytes, { protocolVersion: version });
          expect(decoded.remainingLength).toBe(remainingLength);
          // Deep equality over megabytes is slow: compare the payload bytes separately.
          const withoutPayload = (p: Packet) => ({ ...p, payload: null });
          expect(withoutPayload(decoded.packet)).toEqual(withoutPayload(packet));
          expect(Buffer.compare((decoded.packet as PublishPacket).payload, packet.payload)).toBe(0);
          const streamed = decodeStreamed(bytes, chunkSizes(bytes.length, cuts), version, false);
          expect(streamed.error).toBeNull();
          expect(streamed.packets).toHaveLength(1);
          expect(Buffer.compare(encode(streamed.packets[0]!.packet, version), bytes)).toBe(0);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a StreamDecoder fed random bytes in random chunks yields packets or codec errors, never anything else', () => {
    fc.assert(
      fc.property(randomBytes, fc.array(fc.nat(), { maxLength: 8 }), fc.constantFrom<Version>(3, 4, 5), (bytes, cuts, version) => {
        decodeStreamed(bytes, chunkSizes(bytes.length, cuts), version, false);
      }),
      { numRuns: 1500 },
    );
  });

  it('streaming valid packets in random chunk sizes yields exactly the packets of one-shot decoding, with nothing left over', () => {
    fc.assert(
      fc.property(packetStream(false), fc.boolean(), ({ version, packets, bytes, sizes }, annotate) => {
        const streamed = decodeStreamed(bytes, sizes, version, annotate);
        const oneShot = decodeAll(bytes, { protocolVersion: version, annotate });
        expect(streamed.error).toBeNull();
        expect(oneShot.failures).toEqual([]);
        expect(oneShot.incomplete).toBeNull();
        expect(streamed.packets).toEqual(oneShot.packets);
        expect(streamed.packets.map((d) => d.packet)).toEqual(packets.map((p) => expectedAfterRoundTrip(p, version)));
      }),
      { numRuns: 700 },
    );
  });

  it('streaming mutated packets in random chunk sizes yields the packets and the error of one-shot decoding', () => {
    fc.assert(
      fc.property(packetStream(true), fc.boolean(), ({ version, bytes, sizes }, annotate) => {
        const streamed = decodeStreamed(bytes, sizes, version, annotate);
        const oneShot = decodeAll(bytes, { protocolVersion: version, annotate });
        const failure = oneShot.failures[0]?.error ?? null;
        if (failure !== null) {
          expect(streamed.error).toBeInstanceOf(MalformedPacketError);
          const error = streamed.error as MalformedPacketError;
          expect({ rule: error.rule, field: error.field, offset: error.offset, message: error.message })
            .toEqual({ rule: failure.rule, field: failure.field, offset: failure.offset, message: failure.message });
          // The stream yields a prefix of the one-shot packets: at least every packet that ended
          // before the chunk that failed. (push() currently throws for the whole chunk, so packets
          // completed earlier inside that chunk are not returned.)
          expect(streamed.packets).toEqual(oneShot.packets.slice(0, streamed.packets.length));
          const before = oneShot.packets.filter((d) => d.offset + d.length <= streamed.failingChunkStart).length;
          expect(streamed.packets.length).toBeGreaterThanOrEqual(before);
        } else {
          expect(streamed.packets).toEqual(oneShot.packets);
          if (oneShot.incomplete === null) expect(streamed.error).toBeNull();
          else {
            expect(streamed.error).toBeInstanceOf(IncompletePacketError);
            const error = streamed.error as IncompletePacketError;
            expect({ offset: error.offset, needed: error.needed }).toEqual({ offset: oneShot.incomplete.offset, needed: oneShot.incomplete.needed });
          }
        }
      }),
      { numRuns: 1500 },
    );
  });
});
