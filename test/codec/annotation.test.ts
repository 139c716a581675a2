/**
 * Spot checks of the annotation (`annotate: true`): the spans' paths, labels, values, offsets and
 * the bit fields of flag bytes, against offsets worked out by hand from the fixtures' layouts.
 */
import { describe, expect, it } from 'vitest';
import { decodePacket, type DecodedPacket, type FieldSpan, type ProtocolVersion } from '../../src/mqtt/codec/index.ts';
import { concat, FIXTURES, hexToBytes, spanCoverageProblems } from './fixtures.ts';
import { localizeSpan, type TextSpan } from '../../src/components/i18n/codec-text.ts';

const h = (hex: string) => hexToBytes(hex.replace(/\s+/g, ''));

function annotate(bytes: Uint8Array, version: ProtocolVersion): DecodedPacket {
  return decodePacket(bytes, { protocolVersion: version, annotate: true });
}

function fixture(name: string): Uint8Array {
  const f = FIXTURES.find((x) => x.name === name);
  if (f === undefined) throw new Error(`no fixture ${name}`);
  return hexToBytes(f.hex);
}

/** The span at `path`, its label and bit meanings rendered in English as the CLI and the English pages show them. */
function span(decoded: DecodedPacket, path: string): TextSpan {
  const found = decoded.fields!.filter((s) => s.path === path);
  if (found.length !== 1) throw new Error(`${found.length} spans with path ${path}`);
  return localizeSpan('en', found[0]!);
}

const bit = (s: TextSpan, path: string) => {
  const found = s.bits?.find((b) => b.path === path);
  if (found === undefined) throw new Error(`no bit field ${path} in ${s.path}`);
  return found;
};

describe('annotation of the fixed header', () => {
  it('describes the PUBLISH first byte 0x3b bit by bit: type 3, DUP 1, QoS 1, RETAIN 1', () => {
    const decoded = annotate(h('3b 06 0001 74 0001 78'), 4);
    const header = span(decoded, 'fixedHeader');
    expect(header).toMatchObject({ offset: 0, length: 1, value: 0x3b });
    expect(bit(header, 'fixedHeader.type')).toMatchObject({ mask: 0xf0, shift: 4, value: 3, meaning: 'PUBLISH' });
    expect(bit(header, 'fixedHeader.flags.dup')).toMatchObject({ mask: 0x08, shift: 3, value: 1 });
    expect(bit(header, 'fixedHeader.flags.qos')).toMatchObject({ mask: 0x06, shift: 1, value: 1 });
    expect(bit(header, 'fixedHeader.flags.qos').meaning).toContain('QoS 1');
    expect(bit(header, 'fixedHeader.flags.retain')).toMatchObject({ mask: 0x01, shift: 0, value: 1 });
  });

  it('gives each PUBLISH bit field a value equal to (byte & mask) >> shift', () => {
    for (const first of [0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x3a, 0x3b, 0x3c, 0x3d]) {
      const qos = (first >> 1) & 3;
      const body = qos === 0 ? '0001 74' : '0001 74 0001';
      const bytes = concat(Uint8Array.of(first, qos === 0 ? 3 : 5), h(body));
      const header = span(annotate(bytes, 4), 'fixedHeader');
      for (const b of header.bits!) expect(b.value, `${b.path} of 0x${first.toString(16)}`).toBe((first & b.mask) >> b.shift);
    }
  });

  it('describes the reserved flags of a PUBREL as one 4-bit field holding 0010', () => {
    const header = span(annotate(h('62 02 0001'), 4), 'fixedHeader');
    expect(bit(header, 'fixedHeader.type')).toMatchObject({ value: 6, meaning: 'PUBREL' });
    expect(bit(header, 'fixedHeader.flags')).toMatchObject({ mask: 0x0f, shift: 0, value: 2 });
    expect(bit(header, 'fixedHeader.flags').meaning).toContain('0010');
  });

  it('gives the remaining length of a 200-byte packet a span of two bytes', () => {
    // 1 type byte + 2 length bytes + 197: topic "a" (3 bytes) and a 194-byte payload.
    const bytes = concat(h('30 c5 01 0001 61'), new Uint8Array(194).fill(0x55));
    expect(bytes.length).toBe(200);
    const decoded = annotate(bytes, 4);
    expect(span(decoded, 'fixedHeader.remainingLength')).toMatchObject({ offset: 1, length: 2, value: 197 });
    expect(span(decoded, 'topic')).toMatchObject({ offset: 5, length: 1, value: 'a' });
    const payload = span(decoded, 'payload');
    expect(payload).toMatchObject({ offset: 6, length: 194 });
    // Long payloads keep a short preview in the span, not the whole hex.
    expect(String(payload.value)).toMatch(/^(55){64}… \(194 bytes\)$/);
    expect(spanCoverageProblems(decoded.fields!, 0, 200)).toEqual([]);
  });

  it('gives the remaining length one byte up to 127 and two from 128', () => {
    const at127 = annotate(concat(h('30 7f 0001 61'), new Uint8Array(124)), 4);
    expect(span(at127, 'fixedHeader.remainingLength')).toMatchObject({ offset: 1, length: 1, value: 127 });
    const at128 = annotate(concat(h('30 80 01 0001 61'), new Uint8Array(125)), 4);
    expect(span(at128, 'fixedHeader.remainingLength')).toMatchObject({ offset: 1, length: 2, value: 128 });
  });
});

describe('annotation of flag bytes in the variable header', () => {
  it('splits the 5.0 CONNECT flags 0xce into its seven fields, naming bit 1 Clean Start', () => {
    const decoded = annotate(fixture('CONNECT 5.0 with properties, will properties, user name and password'), 5);
    const flags = span(decoded, 'connectFlags');
    expect(flags).toMatchObject({ offset: 10, length: 1, value: 0xce });
    expect(flags.bits!.map((b) => [b.path, b.mask, b.value])).toEqual([
      ['connectFlags.username', 0x80, 1],
      ['connectFlags.password', 0x40, 1],
      ['connectFlags.willRetain', 0x20, 0],
      ['connectFlags.willQos', 0x18, 1],
      ['connectFlags.will', 0x04, 1],
      ['connectFlags.cleanSession', 0x02, 1],
      ['connectFlags.reserved', 0x01, 0],
    ]);
    expect(bit(flags, 'connectFlags.cleanSession').label).toBe('Clean Start');
  });

  it('splits the 3.1.1 CONNECT flags 0x2c, naming bit 1 Clean Session', () => {
    const flags = span(annotate(fixture('CONNECT 3.1.1 with a retained QoS 1 will'), 4), 'connectFlags');
    expect(flags).toMatchObject({ offset: 9, value: 0x2c });
    expect(bit(flags, 'connectFlags.willRetain').value).toBe(1);
    expect(bit(flags, 'connectFlags.willQos')).toMatchObject({ value: 1, shift: 3 });
    expect(bit(flags, 'connectFlags.will').value).toBe(1);
    expect(bit(flags, 'connectFlags.cleanSession')).toMatchObject({ value: 0, label: 'Clean Session' });
    expect(bit(flags, 'connectFlags.username').value).toBe(0);
  });

  it('splits 5.0 subscription options 0x1a into Retain Handling 1, Retain As Published, QoS 2', () => {
    const decoded = annotate(fixture('SUBSCRIBE 5.0 with a subscription identifier and every subscription option'), 5);
    // 0 type, 1 length, 2–3 packet id, 4 property length, 5–6 property, 7–11 "a/+", 12 options, 13–17 "b/#", 18 options.
    const options = span(decoded, 'subscriptions[1].options');
    expect(options).toMatchObject({ offset: 18, length: 1, value: 0x1a });
    expect(bit(options, 'subscriptions[1].retainHandling')).toMatchObject({ mask: 0x30, shift: 4, value: 1 });
    expect(bit(options, 'subscriptions[1].retainAsPublished')).toMatchObject({ mask: 0x08, value: 1 });
    expect(bit(options, 'subscriptions[1].noLocal')).toMatchObject({ mask: 0x04, value: 0 });
    expect(bit(options, 'subscriptions[1].qos')).toMatchObject({ mask: 0x03, value: 2 });
    expect(bit(options, 'subscriptions[1].options.reserved')).toMatchObject({ mask: 0xc0, value: 0 });
  });

  it('describes the CONNACK acknowledge flags with Session Present in bit 0', () => {
    const flags = span(annotate(fixture('CONNACK 3.1.1 accepted with Session Present'), 4), 'connackFlags');
    expect(flags).toMatchObject({ offset: 2, value: 1 });
    expect(bit(flags, 'connackFlags.sessionPresent')).toMatchObject({ mask: 0x01, value: 1 });
    expect(bit(flags, 'connackFlags.reserved')).toMatchObject({ mask: 0xfe, value: 0 });
  });
});

describe('annotation of 5.0 properties', () => {
  const decoded = () => annotate(fixture('PUBLISH 5.0 QoS 1 with every PUBLISH property'), 5);

  it('puts the Content Type, the third property, at path properties[2].value', () => {
    // 0 type, 1 length, 2–3 topic length, 4–6 "a/b", 7–8 packet id, 9 property length,
    // 10–11 Payload Format Indicator, 12–16 Message Expiry Interval, 17 Content Type id, 18–19 its length.
    const d = decoded();
    expect(span(d, 'properties.length')).toMatchObject({ offset: 9, length: 1, value: 72 });
    expect(span(d, 'properties[2].id')).toMatchObject({ offset: 17, length: 1, value: 3 });
    expect(span(d, 'properties[2].id').label).toContain('Content Type');
    expect(span(d, 'properties[2].value.length')).toMatchObject({ offset: 18, length: 2, value: 16 });
    expect(span(d, 'properties[2].value')).toMatchObject({ offset: 20, length: 16, value: 'application/json', label: 'Content Type' });
  });

  it('gives each repeated Subscription Identifier its own index and the width of its variable byte integer', () => {
    const d = decoded();
    expect(span(d, 'properties[5].value')).toMatchObject({ offset: 53, length: 1, value: 1 });
    expect(span(d, 'properties[6].value')).toMatchObject({ offset: 55, length: 2, value: 200 });
    expect(span(d, 'properties[7].value')).toMatchObject({ offset: 58, length: 3, value: 16384 });
  });

  it('shows binary data as lowercase hex and user properties as name and value', () => {
    const d = decoded();
    expect(span(d, 'properties[4].value')).toMatchObject({ offset: 48, length: 4, value: 'deadbeef' });
    expect(span(d, 'properties[9].name')).toMatchObject({ offset: 71, value: 'k' });
    expect(span(d, 'properties[9].value')).toMatchObject({ offset: 74, value: '2' });
    expect(span(d, 'payload')).toMatchObject({ offset: 82, length: 2, value: '7b7d' });
  });

  it('prefixes will properties with will.', () => {
    const d = annotate(fixture('CONNECT 5.0 with properties, will properties, user name and password'), 5);
    // 52–56 "dev-1", 57 will property length, 58 Will Delay Interval id, 59–62 its value.
    expect(span(d, 'will.properties.length')).toMatchObject({ offset: 57, value: 48 });
    expect(span(d, 'will.properties[0].value')).toMatchObject({ offset: 59, length: 4, value: 5, label: 'Will Delay Interval' });
    expect(span(d, 'will.topic')).toMatchObject({ offset: 108, length: 12, value: 'status/dev-1' });
  });
});

describe('zero-length spans', () => {
  it('records an empty client id as a zero-length span after its length', () => {
    const d = annotate(fixture('CONNECT 5.0 minimal with an empty client id'), 5);
    expect(span(d, 'clientId.length')).toMatchObject({ offset: 13, length: 2, value: 0 });
    expect(span(d, 'clientId')).toMatchObject({ offset: 15, length: 0, value: '' });
  });

  it('records an empty payload as a zero-length span at the end of the packet', () => {
    const d = annotate(fixture('PUBLISH 3.1.1 retained with an empty payload (clears the retained message)'), 4);
    expect(span(d, 'payload')).toMatchObject({ offset: 7, length: 0, value: '' });
  });
});

it('records no spans unless asked to', () => {
  expect(decodePacket(fixture('PUBACK 3.1.1'), { protocolVersion: 4 }).fields).toBeUndefined();
});
