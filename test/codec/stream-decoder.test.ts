/**
 * StreamDecoder: packets out of a byte stream cut anywhere, large packets over many TCP-sized
 * chunks, zero-copy decoding of packets inside one chunk, the maximum packet size enforced from
 * the fixed header alone, a stream that stays failed after a malformed packet, stream-relative
 * offsets, and the version switch a CONNECT causes.
 */
import { describe, expect, it } from 'vitest';
import {
  MalformedPacketError, StreamDecoder, type DecodedPacket, type Packet, type PublishPacket,
} from '../../src/mqtt/codec/index.ts';
import { concat, FIXTURES, hexToBytes, spanCoverageProblems } from './fixtures.ts';

const h = (hex: string) => hexToBytes(hex.replace(/\s+/g, ''));

function fixture(name: string): { bytes: Uint8Array; packet: Packet } {
  const f = FIXTURES.find((x) => x.name === name);
  if (f === undefined) throw new Error(`no fixture ${name}`);
  return { bytes: hexToBytes(f.hex), packet: f.packet };
}

function pushAll(stream: StreamDecoder, chunks: Uint8Array[]): DecodedPacket[] {
  return chunks.flatMap((chunk) => stream.push(chunk));
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return null;
}

describe('chunk boundaries', () => {
  const parts = [
    fixture('CONNECT 3.1.1, minimal: clean session, keep alive 60, client id "test"'),
    fixture('PUBLISH 3.1.1 QoS 1 to the UTF-8 topic 温度/传感器'),
    fixture('PINGREQ 3.1.1'),
    fixture('SUBSCRIBE 3.1.1 with three filters'),
  ];
  const stream = concat(...parts.map((p) => p.bytes));
  const expected = parts.map((p) => p.packet);
  const offsets = parts.reduce<number[]>((acc, p, i) => [...acc, i === 0 ? 0 : acc[i - 1]! + parts[i - 1]!.bytes.length], []);

  it('decodes the same packets whatever two positions the stream is cut at', () => {
    for (let i = 0; i <= stream.length; i++) {
      for (let j = i; j <= stream.length; j++) {
        const decoder = new StreamDecoder();
        const out = pushAll(decoder, [stream.slice(0, i), stream.slice(i, j), stream.slice(j)]);
        expect(out.map((d) => d.packet), `cut at ${i} and ${j}`).toEqual(expected);
        expect(out.map((d) => d.offset), `cut at ${i} and ${j}`).toEqual(offsets);
        expect(decoder.pendingBytes).toBe(0);
      }
    }
  });

  it('decodes the same packets from one chunk per byte', () => {
    const decoder = new StreamDecoder();
    const out = pushAll(decoder, Array.from(stream, (b) => Uint8Array.of(b)));
    expect(out.map((d) => d.packet)).toEqual(expected);
  });

  it('returns nothing for an empty chunk and keeps what is pending', () => {
    const decoder = new StreamDecoder();
    expect(decoder.push(stream.subarray(0, 3))).toEqual([]);
    expect(decoder.push(new Uint8Array(0))).toEqual([]);
    expect(decoder.pendingBytes).toBe(3);
    expect(decoder.push(stream.subarray(3)).map((d) => d.packet)).toEqual(expected);
  });

  it('says how many bytes the pending packet still needs', () => {
    const decoder = new StreamDecoder();
    expect(decoder.incomplete()).toBeNull();
    decoder.push(h('30 0d 00 03 61'));
    const incomplete = decoder.incomplete();
    expect(incomplete?.needed).toBe(10);
    expect(incomplete?.offset).toBe(5);
    decoder.push(h('2f 62'));
    expect(decoder.incomplete()?.needed).toBe(8);
  });
});

describe('a 64 KiB PUBLISH in 1460-byte chunks', () => {
  // Remaining length 65 543 = 5 topic + 2 packet id + 65 536 payload = 7 + 0×128 + 4×128² → 87 80 04.
  const payload = Uint8Array.from({ length: 65_536 }, (_, i) => (i * 7) & 0xff);
  const bytes = concat(h('32 878004 0003 626967 0001'), payload);

  it('yields one packet, on the chunk that completes it, with the payload intact', () => {
    const decoder = new StreamDecoder();
    const out: DecodedPacket[] = [];
    for (let at = 0; at < bytes.length; at += 1460) {
      const got = decoder.push(bytes.slice(at, at + 1460));
      if (at + 1460 < bytes.length) {
        expect(got).toEqual([]);
        expect(decoder.pendingBytes).toBe(at + 1460);
      }
      out.push(...got);
    }
    expect(out).toHaveLength(1);
    const d = out[0]! as DecodedPacket<PublishPacket>;
    expect(d).toMatchObject({ offset: 0, length: 65_547, remainingLength: 65_543 });
    expect(d.packet).toMatchObject({ type: 'PUBLISH', qos: 1, topic: 'big', packetId: 1 });
    expect(d.packet.payload).toEqual(payload);
    expect(decoder.pendingBytes).toBe(0);
  });

  it('copies the spanning packet exactly once, into a buffer of exactly its size', () => {
    const sizes: number[] = [];
    const decoder = new StreamDecoder({ allocate: (size) => { sizes.push(size); return new Uint8Array(size); } });
    for (let at = 0; at < bytes.length; at += 1460) decoder.push(bytes.slice(at, at + 1460));
    expect(sizes).toEqual([65_547]);
  });
});

describe('zero copy', () => {
  const publish = h('30 07 0003 612f62 6869'); // PUBLISH "a/b", payload "hi"

  it('decodes a packet that lies inside one chunk in place: its payload is a view of that chunk', () => {
    const chunk = concat(h('c0 00'), publish, h('d0 00'));
    const out = new StreamDecoder().push(chunk);
    expect(out.map((d) => d.packet.type)).toEqual(['PINGREQ', 'PUBLISH', 'PINGRESP']);
    const payload = (out[1]!.packet as PublishPacket).payload;
    expect(payload).toEqual(h('6869'));
    expect(payload.buffer).toBe(chunk.buffer);
    expect(payload.byteOffset).toBe(chunk.byteOffset + 2 + 7);
  });

  it('decodes in place inside a chunk that is itself a view into a larger buffer', () => {
    const big = concat(h('ff ff ff'), publish, h('ff'));
    const chunk = big.subarray(3, 3 + publish.length);
    const [d] = new StreamDecoder().push(chunk);
    const payload = (d!.packet as PublishPacket).payload;
    expect(payload.buffer).toBe(big.buffer);
    expect(payload.byteOffset).toBe(3 + 7);
  });

  it('copies a packet that spans two chunks, allocating once', () => {
    const sizes: number[] = [];
    const decoder = new StreamDecoder({ allocate: (size) => { sizes.push(size); return new Uint8Array(size); } });
    const a = publish.slice(0, 4);
    const b = publish.slice(4);
    decoder.push(a);
    const [d] = decoder.push(b);
    const payload = (d!.packet as PublishPacket).payload;
    expect(payload).toEqual(h('6869'));
    expect(payload.buffer).not.toBe(a.buffer);
    expect(payload.buffer).not.toBe(b.buffer);
    expect(sizes).toEqual([publish.length]);
  });
});

describe('maximum packet size', () => {
  it('rejects a packet as soon as its fixed header announces more than the maximum, before its bytes arrive', () => {
    const decoder = new StreamDecoder({ maximumPacketSize: 100 });
    // Remaining length 1000 = 0x68 + 7×128 → e8 07; only the fixed header is fed.
    const error = thrown(() => decoder.push(h('30 e8 07')));
    expect(error).toBeInstanceOf(MalformedPacketError);
    expect(error).toMatchObject({ offset: 1, field: 'fixedHeader.remainingLength', rule: 'MQTT-3.1.1 §2.2.3' });
  });

  it('cites the 5.0 Maximum Packet Size section in a 5.0 stream, at the stream offset of the length', () => {
    const decoder = new StreamDecoder({ protocolVersion: 5, maximumPacketSize: 100 });
    decoder.push(h('c0 00'));
    decoder.push(h('30'));
    const error = thrown(() => decoder.push(h('e8 07')));
    expect(error).toMatchObject({ offset: 3, rule: 'MQTT-5.0 §3.1.2.11.4' });
  });

  it('accepts a packet of exactly the maximum size and rejects one byte more', () => {
    const exact = concat(h('30 62 0001 61'), new Uint8Array(95)); // 2 + 98 = 100 bytes
    expect(exact.length).toBe(100);
    expect(new StreamDecoder({ maximumPacketSize: 100 }).push(exact)).toHaveLength(1);
    const over = concat(h('30 63 0001 61'), new Uint8Array(96));
    expect(thrown(() => new StreamDecoder({ maximumPacketSize: 100 }).push(over))).toBeInstanceOf(MalformedPacketError);
  });
});

describe('after a malformed packet', () => {
  it('throws the same error for every later push, even of well-formed bytes', () => {
    const decoder = new StreamDecoder();
    decoder.push(h('c0 00'));
    const first = thrown(() => decoder.push(h('36 02 0001'))); // QoS 3
    expect(first).toBeInstanceOf(MalformedPacketError);
    expect(first).toMatchObject({ rule: 'MQTT-3.3.1-4', offset: 2 });
    expect(thrown(() => decoder.push(h('c0 00')))).toBe(first);
    expect(thrown(() => decoder.push(h('d0 00')))).toBe(first);
    expect(decoder.error).toBe(first);
  });

  it('still hands back, through feed, the packets completed before the bad one in the same chunk', () => {
    const decoder = new StreamDecoder();
    const { packets, error } = decoder.feed(concat(h('c0 00'), h('40 02 0001'), h('00 00'), h('c0 00')));
    expect(packets.map((d) => d.packet.type)).toEqual(['PINGREQ', 'PUBACK']);
    expect(error).toMatchObject({ offset: 6, field: 'fixedHeader.type' });
    expect(decoder.feed(h('c0 00'))).toEqual({ packets: [], error });
  });
});

describe('offsets count from the start of the stream', () => {
  const ping = h('c0 00');
  const publish = fixture('PUBLISH 3.1.1 QoS 2 re-delivery (DUP)').bytes; // 12 bytes
  const suback = fixture('SUBACK 3.1.1 granting QoS 0, 1, 2 and one failure').bytes; // 8 bytes

  it('gives packets and their spans stream offsets, whether decoded in place or from a copy', () => {
    const decoder = new StreamDecoder({ annotate: true });
    const out = pushAll(decoder, [
      concat(ping, publish.subarray(0, 5)), // PINGREQ in place, PUBLISH starts
      concat(publish.subarray(5), suback), // PUBLISH completes (copied), SUBACK in place
      concat(ping), // in place, in a third chunk
    ]);
    expect(out.map((d) => [d.packet.type, d.offset])).toEqual([['PINGREQ', 0], ['PUBLISH', 2], ['SUBACK', 14], ['PINGREQ', 22]]);
    for (const d of out) {
      expect(spanCoverageProblems(d.fields!, d.offset, d.offset + d.length), d.packet.type).toEqual([]);
    }
    // The PUBLISH topic "a/b" sits at stream bytes 6–8.
    expect(out[1]!.fields!.find((s) => s.path === 'topic')).toMatchObject({ offset: 6, length: 3, value: 'a/b' });
    // SUBACK's fourth code (0x80) at 14 + 2 + 2 + 3.
    expect(out[2]!.fields!.find((s) => s.path === 'reasonCodes[3]')).toMatchObject({ offset: 21, value: 0x80 });
  });

  it('gives a malformed packet decoded in place its stream offset', () => {
    const decoder = new StreamDecoder();
    decoder.push(concat(ping, publish));
    // A PUBLISH to "a/+" whose + is at byte 6 of the packet, which starts at stream byte 14.
    const error = thrown(() => decoder.push(h('30 05 0003 612f2b')));
    expect(error).toMatchObject({ offset: 20, rule: 'MQTT-3.3.2-2', field: 'topic' });
  });

  it('gives a malformed packet decoded from a copy its stream offset', () => {
    const decoder = new StreamDecoder();
    decoder.push(concat(ping, publish, h('30 05 00')));
    const error = thrown(() => decoder.push(h('03 612f2b')));
    expect(error).toMatchObject({ offset: 20, rule: 'MQTT-3.3.2-2' });
  });

  it('gives a malformed fixed header split across chunks its stream offset', () => {
    const decoder = new StreamDecoder();
    decoder.push(concat(ping, h('30 80')));
    const error = thrown(() => decoder.push(h('00')));
    expect(error).toMatchObject({ offset: 3, field: 'fixedHeader.remainingLength' });
  });
});

describe('protocol version', () => {
  const connect5 = fixture('CONNECT 5.0 minimal with an empty client id');
  const aliased = fixture('PUBLISH 5.0 with an empty topic standing in for Topic Alias 3');

  it('switches from the 3.1.1 default to 5.0 after a level-5 CONNECT, within the same chunk', () => {
    const decoder = new StreamDecoder();
    const out = decoder.push(concat(connect5.bytes, aliased.bytes));
    expect(out.map((d) => d.packet)).toEqual([connect5.packet, aliased.packet]);
    expect(decoder.protocolVersion).toBe(5);
  });

  it('switches when the CONNECT and the next packet arrive byte by byte', () => {
    const decoder = new StreamDecoder();
    const out = pushAll(decoder, Array.from(concat(connect5.bytes, aliased.bytes), (b) => Uint8Array.of(b)));
    expect(out.map((d) => d.packet)).toEqual([connect5.packet, aliased.packet]);
  });

  it('would reject the same PUBLISH without the CONNECT, as 3.1.1 has no empty topics', () => {
    expect(thrown(() => new StreamDecoder().push(aliased.bytes))).toMatchObject({ rule: 'MQTT-4.7.3-1' });
  });

  it('switches to 3.1 after a level-3 CONNECT and back to 3.1.1 after a level-4 one', () => {
    const decoder = new StreamDecoder({ protocolVersion: 5 });
    decoder.push(fixture('CONNECT 3.1 ("MQIsdp", level 3), minimal').bytes);
    expect(decoder.protocolVersion).toBe(3);
    decoder.push(fixture('CONNECT 3.1.1, minimal: clean session, keep alive 60, client id "test"').bytes);
    expect(decoder.protocolVersion).toBe(4);
  });
});
