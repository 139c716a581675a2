import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { decodeAll, encodePacket, PROPERTIES, type InvalidPacketError, type Packet, type PacketType } from '../../src/mqtt/codec/index.ts';
import { toHex } from '../../src/input/index.ts';
import {
  addableProperties, BOUNDARY_TARGETS, build, defaultPropertyRow, defaultState, encodeBuilderHash, formFieldFor, headerBits,
  formToPacket, MAX_FILL, parseBuilderHash, payloadSizeFor, reasonCodeChoices, remainingLengthView, setType, setVersion, stateFromPacket,
  sayBuilder, toggleFlagBit, typesFor, type BuilderMessage, type BuilderState,
} from '../../src/components/packet-builder/packet-builder-model.ts';
import { ansiCQuote, generate, jsString, printfBytes, pyString, shellWord, shQuote } from '../../src/components/packet-builder/codegen.ts';
import { compare, diffSpans, SCENARIOS } from '../../src/components/packet-builder/compare.ts';
import { hasKey, translate } from '../../src/components/i18n/catalogue.ts';
import { EN } from '../../src/components/i18n/en.ts';
import { ZH_CN } from '../../src/components/i18n/zh-cn.ts';
import { packetArbitrary } from '../support/arbitraries.ts';

const te = new TextEncoder();
const require = createRequire(import.meta.url);
const state = (patch: Partial<BuilderState> = {}, type: PacketType = 'PUBLISH', version: 4 | 5 = 5): BuilderState =>
  ({ ...setType(setVersion(defaultState(), version), type), ...patch });
const fieldsOf = (s: BuilderState) => build(s).errors.map((e) => [e.field, e.rule]);
/** The rule the codec itself names for the packet the form holds: the builder must show that one. */
function codecRule(s: BuilderState): string | undefined {
  const { packet } = formToPacket(s);
  if (packet === null) return undefined;
  try {
    const bytes = encodePacket(packet, { protocolVersion: s.version });
    return decodeAll(bytes, { protocolVersion: s.version }).failures[0]?.error.rule;
  } catch (error) {
    return (error as InvalidPacketError).rule;
  }
}
/** The form field the error lands on, and that its rule is the codec's. */
const fieldWithCodecRule = (s: BuilderState) => {
  const rule = codecRule(s);
  expect(rule).toMatch(/^MQTT-/);
  return fieldsOf(s).map(([field, r]) => [field, r === rule ? 'codec rule' : r]);
};

describe('building packets from the form', () => {
  it('starts from defaults that make a valid packet of every type in both versions', () => {
    for (const version of [4, 5] as const) {
      for (const type of typesFor(version)) {
        const result = build(state({}, type, version));
        expect(result.errors, `${type} ${version}`).toEqual([]);
        const decoded = decodeAll(result.bytes!, { protocolVersion: version });
        expect(decoded.packets.map((p) => p.packet.type)).toEqual([type]);
      }
    }
    expect(typesFor(4)).not.toContain('AUTH');
  });

  it('builds the PUBLISH a reader would expect, byte for byte', () => {
    const result = build(state({ topic: 'a/b', qos: 1, packetId: '10', payloadText: 'hi', retain: true }, 'PUBLISH', 4));
    expect(toHex(result.bytes!, ' ')).toBe('33 09 00 03 61 2f 62 00 0a 68 69');
    expect(result.remainingLength).toMatchObject({ value: 9, size: 1, nextBoundary: 128 });
  });

  it('never shows bytes the decoder rejects, for any packet the form can hold', () => {
    fc.assert(fc.property(fc.constantFrom<4 | 5>(4, 5).chain((v) => packetArbitrary(v).map((p) => ({ v, p }))), ({ v, p }) => {
      const s = stateFromPacket(p, p.type === 'CONNECT' ? (p.protocolLevel === 5 ? 5 : 4) : v);
      const result = build(s);
      if (result.bytes === null) {
        expect(result.errors.length).toBeGreaterThan(0);
        return;
      }
      const decoded = decodeAll(result.bytes, { protocolVersion: s.version });
      expect(decoded.failures).toEqual([]);
      expect(decoded.packets).toHaveLength(1);
    }), { numRuns: 400 });
  });

  it('rebuilds any decoded packet with text payloads to the very same bytes', () => {
    fc.assert(fc.property(fc.constantFrom<4 | 5>(4, 5).chain((v) => packetArbitrary(v).map((p) => ({ v, p }))), ({ v, p }) => {
      if (p.type === 'CONNECT' && p.protocolLevel === 3) return;
      const version = p.type === 'CONNECT' ? (p.protocolLevel as 4 | 5) : v;
      const bytes = encodePacket(p, { protocolVersion: version });
      const decoded = decodeAll(bytes, { protocolVersion: version }).packets[0]!.packet;
      // Binary will payloads and passwords are edited as text in the form: skip those that are not text.
      if (decoded.type === 'CONNECT') {
        const isText = (b?: Uint8Array) => b === undefined || (() => { try { new TextDecoder('utf-8', { fatal: true }).decode(b); return !/[\u0000-\u001f]/.test(new TextDecoder().decode(b)); } catch { return false; } })();
        if (!isText(decoded.will?.payload) || !isText(decoded.password)) return;
      }
      // User properties grouped by the form: interleaved ones would come out grouped.
      const props = (decoded as { properties?: { userProperties?: unknown } }).properties;
      if (props?.userProperties !== undefined && Object.keys(props).indexOf('userProperties') !== Object.keys(props).length - 1) return;
      const rebuilt = build(stateFromPacket(decoded, version));
      expect(rebuilt.errors).toEqual([]);
      expect(toHex(rebuilt.bytes!)).toBe(toHex(bytes));
    }), { numRuns: 400 });
  });

  it('puts each problem on its field, with the rule the codec names', () => {
    expect(fieldsOf(state({ topic: 'a/+/b' }))).toEqual([['topic', 'MQTT-3.3.2-2']]);
    expect(fieldWithCodecRule(state({ topic: '' }, 'PUBLISH', 4))).toEqual([['topic', 'codec rule']]);
    expect(fieldWithCodecRule(state({ topic: '' }, 'PUBLISH', 5))).toEqual([['topic', 'codec rule']]);
    expect(fieldsOf(state({ topic: '', properties: [{ key: 'topicAlias', value: '2' }] }, 'PUBLISH', 5))).toEqual([]);
    expect(fieldsOf(state({ packetId: '0' }))).toEqual([['packetId', 'MQTT-2.2.1-3']]);
    expect(fieldsOf(state({ packetId: 'seven' }))).toEqual([['packetId', 'MQTT-2.2.1-3']]);
    expect(fieldsOf(state({ keepAlive: '65536' }, 'CONNECT'))).toEqual([['keepAlive', undefined]]);
    expect(fieldWithCodecRule(state({ passwordOn: true, usernameOn: false }, 'CONNECT', 4))).toEqual([['password', 'codec rule']]);
    expect(fieldWithCodecRule(state({ willOn: true, willTopic: 'a/#' }, 'CONNECT'))).toEqual([['will.topic', 'codec rule']]);
    expect(fieldWithCodecRule(state({ subscriptions: [{ topicFilter: 'a/#/b', qos: 1, noLocal: false, retainAsPublished: false, retainHandling: 0 }] }, 'SUBSCRIBE')))
      .toEqual([['subscriptions[0].topicFilter', 'codec rule']]);
    expect(fieldWithCodecRule(state({ subscriptions: [{ topicFilter: '$share/g/a', qos: 1, noLocal: true, retainAsPublished: false, retainHandling: 0 }] }, 'SUBSCRIBE')))
      .toEqual([['subscriptions[0].noLocal', 'codec rule']]);
    expect(fieldWithCodecRule(state({ topicFilters: ['ok', ''] }, 'UNSUBSCRIBE'))).toEqual([['topicFilters[1]', 'codec rule']]);
    expect(fieldsOf(state({ payloadMode: 'hex', payloadHex: '12 zz' }))).toEqual([['payload', undefined]]);
    expect(fieldsOf(state({ payloadMode: 'fill', payloadFill: String(MAX_FILL + 1) }))).toEqual([['payloadFill', undefined]]);
    expect(fieldWithCodecRule(state({ connackCode: '6' }, 'CONNACK', 4))).toEqual([['connackCode', 'codec rule']]);
    expect(fieldWithCodecRule(state({ sessionPresent: true, connackCode: '134' }, 'CONNACK', 5))).toEqual([['sessionPresent', 'codec rule']]);
  });

  it('checks each property against its range and its packet', () => {
    expect(fieldsOf(state({ properties: [{ key: 'messageExpiryInterval', value: '60' }, { key: 'topicAlias', value: '0' }] }))).toEqual([['properties[1]', 'MQTT-3.3.2-8']]);
    expect(fieldsOf(state({ properties: [{ key: 'receiveMaximum', value: '0' }] }, 'CONNECT'))).toEqual([['properties[0]', 'MQTT-5.0 §2.2.2.2']]);
    expect(fieldsOf(state({ properties: [{ key: 'sessionExpiryInterval', value: '1' }] }, 'PUBLISH'))).toEqual([['properties[0]', 'MQTT-5.0 §2.2.2.2']]);
    expect(fieldsOf(state({ properties: [{ key: 'contentType', value: 'a' }, { key: 'contentType', value: 'b' }] }))).toEqual([['properties[1]', 'MQTT-5.0 §2.2.2.2']]);
    expect(fieldsOf(state({ properties: [{ key: 'correlationData', value: 'not hex' }] }))).toEqual([['properties[0]', undefined]]);
    const ok = build(state({ properties: [{ key: 'userProperties', name: 'a', value: '1' }, { key: 'messageExpiryInterval', value: '5' }, { key: 'userProperties', name: 'b', value: '2' }] }));
    expect(ok.errors).toEqual([]);
    expect(ok.packet).toMatchObject({ properties: { userProperties: [['a', '1'], ['b', '2']], messageExpiryInterval: 5 } });
  });

  it('offers each property that may still be added, and a default value that is valid', () => {
    const keys = addableProperties([{ key: 'topicAlias', value: '1' }, { key: 'userProperties', name: 'a', value: 'b' }], 'PUBLISH').map((d) => d.key);
    expect(keys).not.toContain('topicAlias');
    expect(keys).toContain('userProperties');
    expect(keys).toContain('subscriptionIdentifiers');
    expect(addableProperties([{ key: 'subscriptionIdentifiers', value: '1' }], 'SUBSCRIBE').map((d) => d.key)).not.toContain('subscriptionIdentifiers');
    for (const d of PROPERTIES) {
      for (const context of d.contexts) {
        if (context === 'WILL') {
          expect(build(state({ willOn: true, willProperties: [defaultPropertyRow(d.key)] }, 'CONNECT')).errors, `${d.key} in will`).toEqual([]);
          continue;
        }
        expect(build(state({ properties: [defaultPropertyRow(d.key)] }, context)).errors, `${d.key} in ${context}`).toEqual([]);
      }
    }
  });

  it('maps codec field paths to the form fields that hold them', () => {
    const s = state({ properties: [{ key: 'userProperties', name: 'a', value: '1' }, { key: 'contentType', value: 'x' }, { key: 'userProperties', name: 'b', value: '2' }] });
    expect(formFieldFor('properties.contentType', s)).toBe('properties[1]');
    expect(formFieldFor('properties.userProperties[1].name', s)).toBe('properties[2]');
    expect(formFieldFor('fixedHeader.flags.qos', s)).toBe('fixedHeader.flags');
    expect(formFieldFor('fixedHeader.remainingLength', s)).toBe('payload');
    expect(formFieldFor('subscriptions[2].retainAsPublished', s)).toBe('subscriptions[2].retainHandling');
    expect(formFieldFor('protocolName', s)).toBe('packet');
  });

  it('switching version translates CONNACK codes and drops AUTH in 3.1.1', () => {
    const v5 = state({ connackCode: '4' }, 'CONNACK', 4);
    expect(setVersion(v5, 5).connackCode).toBe('134');
    expect(setVersion(setVersion(v5, 5), 4).connackCode).toBe('4');
    expect(setVersion(state({}, 'AUTH', 5), 4).type).toBe('CONNECT');
    expect(setType(state({ properties: [{ key: 'contentType', value: 'a' }, { key: 'reasonString', value: 'r' }] }), 'PUBACK').properties).toEqual([{ key: 'reasonString', value: 'r' }]);
    expect(reasonCodeChoices('SUBACK', 4).map((c) => c.code)).toEqual([0, 1, 2, 0x80]);
    expect(reasonCodeChoices('PUBACK', 4)).toEqual([]);
  });
});

describe('the fixed header bit by bit', () => {
  it('labels the type nibble and the four PUBLISH flags', () => {
    const bits = headerBits(state({ qos: 2, retain: true }));
    expect(bits.map((b) => b.value).join('')).toBe('00110101');
    expect(bits.map((b) => b.role)).toEqual(['typeBit', 'typeBit', 'typeBit', 'typeBit', 'dup', 'qosHigh', 'qosLow', 'retain']);
    expect(bits.filter((b) => b.toggleable).map((b) => b.bit)).toEqual([3, 2, 1, 0]);
  });

  it('turns allowed toggles into form values', () => {
    let s = state({ qos: 0, dup: false, retain: false });
    s = toggleFlagBit(s, 2);
    expect([s.qos, s.flagsOverride]).toEqual([2, null]);
    s = toggleFlagBit(s, 0);
    expect([s.retain, s.flagsOverride]).toEqual([true, null]);
    s = toggleFlagBit(s, 3);
    expect([s.dup, s.flagsOverride]).toEqual([true, null]);
    expect(build(s).bytes![0]).toBe(0x3d);
  });

  it('shows the rule a forbidden combination breaks, from the decoder, and no bytes', () => {
    const qos3 = build(toggleFlagBit(state({ qos: 1 }), 2));
    expect(qos3.bytes).toBeNull();
    expect(qos3.tampered).toMatchObject({ flags: 0b0110, rule: 'MQTT-3.3.1-4', field: 'fixedHeader.flags.qos' });
    const dupQos0 = build(toggleFlagBit(state({ qos: 0 }), 3));
    expect(dupQos0.tampered).toMatchObject({ rule: 'MQTT-3.3.1-2' });
    expect(build(toggleFlagBit(state({}, 'SUBSCRIBE'), 1)).tampered).toMatchObject({ flags: 0, rule: 'MQTT-3.8.1-1' });
    expect(build(toggleFlagBit(state({}, 'PINGREQ', 4), 0)).tampered).toMatchObject({ rule: 'MQTT-2.2.2-1' });
    expect(build(toggleFlagBit(state({}, 'PINGREQ', 5), 0)).tampered).toMatchObject({ rule: 'MQTT-2.1.3-1' });
    expect(headerBits(toggleFlagBit(state({}, 'PUBREL'), 3)).find((b) => b.bit === 3)).toMatchObject({ tampered: true, specAllowsChange: false, role: 'reserved' });
  });

  it('clears the override when the bits are toggled back', () => {
    const tampered = toggleFlagBit(state({}, 'SUBSCRIBE'), 0);
    expect(tampered.flagsOverride).toBe(0b0011);
    const back = toggleFlagBit(tampered, 0);
    expect(back.flagsOverride).toBeNull();
    expect(build(back).bytes![0]).toBe(0x82);
  });
});

describe('the remaining length step by step', () => {
  it('lands exactly on each side of every size boundary with the payload size control', () => {
    const base = state({ payloadMode: 'fill', payloadFill: '0' });
    const overhead = build(base).overhead;
    const sizes = BOUNDARY_TARGETS.map((target) => {
      const size = payloadSizeFor(target, overhead)!;
      const result = build({ ...base, payloadFill: String(size) });
      expect(result.remainingLength!.value).toBe(target);
      expect(result.bytes!.length).toBe(1 + result.remainingLength!.size + target);
      return result.remainingLength!.size;
    });
    expect(sizes).toEqual([1, 2, 2, 3, 3, 4]);
    expect(payloadSizeFor(10, overhead)).toBeNull();
  });

  it('walks the seven-bit groups with their continuation bits', () => {
    const view = remainingLengthView(321);
    expect(view.steps.map((s) => [s.byte, s.continuation, s.group, s.multiplier, s.runningValue])).toEqual([[0xc1, true, 65, 1, 65], [0x02, false, 2, 128, 321]]);
    expect(remainingLengthView(16_383).nextBoundary).toBe(16_384);
    expect(remainingLengthView(268_435_455)).toMatchObject({ size: 4, nextBoundary: null });
  });
});

describe('the URL state', () => {
  it('round-trips the form through a link', () => {
    const s = state({ topic: 'a "quoted" topic/ü', properties: [{ key: 'userProperties', name: 'k', value: 'v' }], payloadText: '{"x":1}' });
    const h = encodeBuilderHash(s);
    if (!('hash' in h)) throw new Error('no hash');
    const parsed = parseBuilderHash(h.hash);
    expect(parsed.problems).toEqual([]);
    expect(toHex(build(parsed.state!).bytes!)).toBe(toHex(build(s).bytes!));
  });

  it('keeps a tampered flag override in the link and validates it', () => {
    const s = toggleFlagBit(state({}, 'SUBSCRIBE'), 0);
    const h = encodeBuilderHash(s) as { hash: string };
    expect(parseBuilderHash(h.hash).state!.flagsOverride).toBe(3);
  });

  it('reads a packet from the decoder’s #hex link', () => {
    const { state: s, problems } = parseBuilderHash('#v=5.0&hex=3206000161000700');
    expect(problems).toEqual([]);
    expect(s).toMatchObject({ version: 5, type: 'PUBLISH', topic: 'a', qos: 1, packetId: '7' });
  });

  it('explains what is wrong with a tampered link instead of throwing', () => {
    const b64 = (o: unknown) => `#s=${Buffer.from(JSON.stringify(o)).toString('base64url')}`;
    const cases: Array<[string, string]> = [
      ['#s=%%%', 'linkUnreadable'], ['#s=!!!', 'linkUnreadable'], [b64([1, 2]), 'linkUnreadable'], [b64({ v: 5, t: 'NOPE' }), 'linkBadField'],
      [b64({ v: 4, t: 'AUTH' }), 'linkBadField'], [b64({ v: 5, t: 'PUBLISH', qos: 3 }), 'linkBadField'], [b64({ v: 5, t: 'PUBLISH', __proto__x: 1 }), 'linkBadField'],
      [b64({ v: 5, t: 'PUBLISH', properties: [{ key: 'toString', value: 'x' }] }), 'linkBadField'], [b64({ v: 5, t: 'PUBLISH', flagsOverride: 99 }), 'linkBadField'],
      ['#v=5.0&hex=36', 'linkIncomplete'], ['#v=5.0&hex=3603000161', 'linkMalformed'], ['#v=6&hex=c000', 'linkBadField'], ['#hex=zz', 'linkBadHex'],
      ['#nothing=1', 'linkUnreadable'],
    ];
    for (const [hash, key] of cases) {
      const { problems } = parseBuilderHash(hash);
      expect(problems.map((p) => ('key' in p ? p.key : p.text)), hash).toContain(`builder.${key}`);
    }
    const proto = parseBuilderHash(`#s=${Buffer.from('{"v":5,"t":"PUBLISH","__proto__":{"polluted":1},"constructor":1}').toString('base64url')}`);
    expect(proto.state).not.toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(build(proto.state!).bytes).not.toBeNull();
  });

  it('never throws on any hash at all', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => {
      const r = parseBuilderHash(`#${s}`);
      if (r.state) build(r.state);
    }), { numRuns: 500 });
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      const r = parseBuilderHash(`#s=${Buffer.from(JSON.stringify({ v: 5, t: 'CONNECT', clientId: value, properties: value, subscriptions: value })).toString('base64url')}`);
      if (r.state) build(r.state);
    }), { numRuns: 300 });
  });

  it('says when the state is too large for a link', () => {
    const h = encodeBuilderHash(state({ payloadText: 'x'.repeat(100_000) }));
    expect(h).toHaveProperty('reason');
    expect(encodeBuilderHash(state({ payloadMode: 'fill', payloadFill: '4000000' }))).toHaveProperty('hash');
  });
});

describe('copy as code', () => {
  const hostile = `it's "quoted" \\ back\\slash\nnew line $(touch /tmp/mqtt-lab-pwned) \`id\` $HOME 😀`;
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-lab-codegen-'));
  const hostilePublish: Packet = {
    type: 'PUBLISH', dup: false, qos: 1, retain: true, topic: hostile, packetId: 3, payload: te.encode(hostile),
    properties: { contentType: hostile, userProperties: [[hostile, hostile]], correlationData: new Uint8Array([0, 1, 2]) },
  };

  it('writes string literals each language reads back as the original text', () => {
    // JavaScript
    expect(new Function(`return ${jsString(hostile)};`)()).toBe(hostile);
    expect(new Function(`return ${jsString('\u2028\u2029')};`)()).toBe('\u2028\u2029');
    // Python
    const py = execFileSync('python3', ['-c', `import sys; sys.stdout.buffer.write((${pyString(hostile + '\u0001\u007f\u200f')}).encode('utf-8'))`]);
    expect(py.toString('utf8')).toBe(`${hostile}\u0001\u007f\u200f`);
    // POSIX shell
    const sh = execFileSync('bash', ['-c', `printf '%s' ${shQuote(hostile)}`]);
    expect(sh.toString('utf8')).toBe(hostile);
    expect(execFileSync('sh', ['-c', `printf ${printfBytes(new Uint8Array([0, 0x27, 0x5c, 0xff, 0x0a]))} | od -An -tx1`]).toString().trim()).toBe('00 27 5c ff 0a');
    expect(existsSync('/tmp/mqtt-lab-pwned')).toBe(false);
  });

  it('turns a hostile PUBLISH into a mosquitto_pub command that passes every string intact and runs nothing', () => {
    const command = generate('mosquitto', hostilePublish, encodePacket(hostilePublish, { protocolVersion: 5 }), 5);
    const out = execFileSync('bash', ['-c', `mosquitto_pub() { printf '%s\\0' "$@"; }\n${command}`]).toString('utf8').split('\0').slice(0, -1);
    expect(out[out.indexOf('-t') + 1]).toBe(hostile);
    expect(out[out.indexOf('-m') + 1]).toBe(hostile);
    expect(out.slice(out.indexOf('user-property') + 1, out.indexOf('user-property') + 3)).toEqual([hostile, hostile]);
    expect(out).toContain('-r');
    expect(out).toContain('mqttv5');
    expect(existsSync('/tmp/mqtt-lab-pwned')).toBe(false);
  });

  it('pipes a binary payload to mosquitto_pub byte for byte', () => {
    const p: Packet = { type: 'PUBLISH', dup: false, qos: 0, retain: false, topic: 't', payload: new Uint8Array([0, 1, 0xff, 0x27, 0x0a]) };
    const command = generate('mosquitto', p, encodePacket(p), 4);
    const out = execFileSync('bash', ['-c', `mosquitto_pub() { od -An -tx1; }\n${command}`]).toString().trim();
    expect(out).toBe('00 01 ff 27 0a');
  });

  describe('mosquitto_pub with characters a terminal must not receive raw', () => {
    // Each class a pasted command must not carry raw: ESC starts escape sequences and key
    // bindings, TAB completes, CR/LF end the line, U+202E and its kin reorder what the reader sees.
    const classes: Array<[string, string]> = [
      ['ESC', 'alarm/\u001b[31mred\u001b[0m'],
      ['TAB', 'a\tb'],
      ['CR', 'line\rover'],
      ['LF', 'two\nlines'],
      ['U+202E', 'invoice/\u202Etxt.exe'],
      ['other controls', 'x\u0001\u007f\u0085\u00ad\u061c\u200b\u200d\u2066\u2069\u2028\u2029\ufeffy'],
      ['a quote with a control', "it's\tquoted \\ and $HOME `id`"],
    ];
    const unsafe = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
    const argsOf = (command: string, locale: string): Buffer[] => {
      const out = execFileSync('bash', ['-c', `mosquitto_pub() { printf '%s\\0' "$@"; }\n${command}`], { env: { ...process.env, LC_ALL: locale } });
      const args: Buffer[] = [];
      let from = 0;
      for (let i = 0; i < out.length; i++) if (out[i] === 0) { args.push(out.subarray(from, i)); from = i + 1; }
      return args;
    };
    const after = (args: Buffer[], flag: string, skip = 0): string => toHex(args[args.findIndex((a) => a.toString('latin1') === flag) + 1 + skip]!);

    for (const [name, text] of classes) {
      it(`writes ${name} as an escape inside $'…', and bash passes exactly the original bytes`, () => {
        const word = shellWord(text);
        expect(word.startsWith("$'")).toBe(true);
        expect(word).not.toMatch(unsafe);
        const p: Packet = {
          type: 'PUBLISH', dup: false, qos: 0, retain: false, topic: text, payload: te.encode(text),
          properties: { contentType: text, userProperties: [[text, text]] },
        };
        const command = generate('mosquitto', p, encodePacket(p, { protocolVersion: 5 }), 5);
        // The only line breaks left are the command's own continuations.
        expect(command.replace(/ \\\n {2}/g, ' ').replace(/\n$/, '')).not.toMatch(unsafe);
        const bytes = toHex(te.encode(text));
        // \xHH escapes do not depend on the locale, unlike \uHHHH.
        for (const locale of ['C', 'C.UTF-8']) {
          const args = argsOf(command, locale);
          expect(after(args, '-t'), locale).toBe(bytes);
          expect(after(args, '-m'), locale).toBe(bytes);
          expect(after(args, 'content-type'), locale).toBe(bytes);
          expect(after(args, 'user-property'), locale).toBe(bytes);
          expect(after(args, 'user-property', 1), locale).toBe(bytes);
        }
      });
    }

    it('keeps plain text, quotes and emoji in plain single quotes', () => {
      expect(shellWord('sensors/kitchen temp')).toBe("'sensors/kitchen temp'");
      expect(shellWord("it's")).toBe(`'it'\\''s'`);
      expect(shellWord('温度/😀')).toBe("'温度/😀'");
      const p: Packet = { type: 'PUBLISH', dup: false, qos: 0, retain: false, topic: "it's/温度", payload: te.encode('plain text') };
      const command = generate('mosquitto', p, encodePacket(p, { protocolVersion: 4 }), 4);
      expect(command).toContain(`-t 'it'\\''s/温度'`);
      expect(command).toContain("-m 'plain text'");
      expect(command).not.toContain("$'");
      const args = argsOf(command, 'C.UTF-8');
      expect(after(args, '-t')).toBe(toHex(te.encode("it's/温度")));
    });

    it('writes a quote inside $\'…\' as \\x27, so history expansion still sees one quoted word', () => {
      expect(ansiCQuote("a'b\tc!")).toBe("$'a\\x27b\\tc!'");
      const out = execFileSync('bash', ['-c', `printf '%s' ${ansiCQuote("a'b\tc! \\ \u202e")}`]);
      expect(out.toString('utf8')).toBe("a'b\tc! \\ \u202e");
    });
  });

  it('writes MQTT.js code that parses, for every type, with hostile strings', () => {
    const packets: Array<[Packet, 4 | 5]> = [
      [hostilePublish, 5],
      [{ type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 5, cleanSession: false, keepAlive: 30, clientId: hostile, username: hostile, password: te.encode(hostile), will: { topic: 'w', payload: te.encode(hostile), qos: 1, retain: false, properties: { willDelayInterval: 5 } }, properties: { sessionExpiryInterval: 60 } }, 5],
      [{ type: 'SUBSCRIBE', packetId: 1, subscriptions: [{ topicFilter: `${hostile.replace(/[+#]/g, '')}/#`, qos: 2, noLocal: true, retainAsPublished: false, retainHandling: 1 }], properties: { subscriptionIdentifiers: [4] } }, 5],
      [{ type: 'UNSUBSCRIBE', packetId: 1, topicFilters: [hostile] }, 4],
      [{ type: 'DISCONNECT', reasonCode: 4, properties: { reasonString: hostile } }, 5],
      [{ type: 'PUBACK', packetId: 9, reasonCode: 0x10 }, 5],
    ];
    for (const [packet, version] of packets) {
      const file = join(dir, `${packet.type}.mjs`);
      writeFileSync(file, generate('mqttjs', packet, encodePacket(packet, { protocolVersion: version }), version));
      execFileSync(process.execPath, ['--check', file]);
      const pyFile = join(dir, `${packet.type}.py`);
      writeFileSync(pyFile, generate('python', packet, encodePacket(packet, { protocolVersion: version }), version));
      execFileSync('python3', ['-c', `import ast,sys; ast.parse(open(sys.argv[1], encoding='utf-8').read())`, pyFile]);
    }
  }, 120_000);

  it('writes mqtt-packet code that produces the builder’s packet (byte for byte where both pick the same form)', () => {
    const cases: Array<[PacketType, 4 | 5, Partial<BuilderState>]> = [
      ['CONNACK', 4, { connackCode: '5' }], ['CONNACK', 5, { connackCode: '135', properties: [{ key: 'reasonString', value: 'no' }] }],
      ['PUBACK', 5, { packetId: '77', reasonCode: '16' }], ['PUBREL', 4, { packetId: '3' }], ['SUBACK', 5, { reasonCodes: ['1', '135'] }],
      ['UNSUBACK', 4, {}], ['PINGRESP', 4, {}], ['AUTH', 5, { reasonCode: '24', properties: [{ key: 'authenticationMethod', value: 'SCRAM' }] }],
    ];
    for (const [type, version, patch] of cases) {
      const result = build(state(patch, type, version));
      const file = join(dir, `gen-${type}-${version}.mjs`);
      const code = generate('mqttjs', result.packet!, result.bytes!, version).replace("from 'mqtt-packet'", `from ${JSON.stringify(require.resolve('mqtt-packet'))}`);
      writeFileSync(file, code);
      const printed = execFileSync(process.execPath, [file]).toString().trim();
      const theirs = decodeAll(Uint8Array.from(Buffer.from(printed, 'hex')), { protocolVersion: version });
      expect(theirs.failures, `${type} ${version}`).toEqual([]);
      const normal = (p: Packet) => JSON.parse(JSON.stringify(p, (k, v) => (k === 'properties' && Object.keys(v).length === 0 ? undefined : v)));
      expect(normal(theirs.packets[0]!.packet), `${type} ${version}`).toEqual(normal(result.packet!));
      // mqtt-packet writes a Property Length of 0 after a 5.0 PUBACK reason code; the builder leaves it out (5.0 §3.4.2.2.1).
      if (!(type === 'PUBACK' && version === 5)) expect(printed, `${type} ${version}`).toBe(toHex(result.bytes!));
    }
  });

  it('writes a C array that compiles and holds the bytes', () => {
    const result = build(state({ topic: hostile.replace(/[+#\u0000]/g, '') }));
    const file = join(dir, 'packet.c');
    writeFileSync(file, `#include <stdint.h>\n#include <stdio.h>\n${generate('c', result.packet!, result.bytes!, 5)}\nint main(void){for(size_t i=0;i<sizeof mqtt_publish;i++)printf("%02x",mqtt_publish[i]);return 0;}\n`);
    execFileSync('gcc', ['-Wall', '-Werror', '-o', join(dir, 'packet'), file]);
    expect(execFileSync(join(dir, 'packet')).toString()).toBe(toHex(result.bytes!));
  });

  it('fills a large payload with an expression instead of a literal', () => {
    const s = state({ payloadMode: 'fill', payloadFill: '3000000' });
    const result = build(s);
    const fill = { fill: { length: 3_000_000, byte: 0x78 } };
    const js = generate('mqttjs', result.packet!, result.bytes!, 5, fill);
    expect(js).toContain('Buffer.alloc(3000000, 0x78)');
    expect(js.length).toBeLessThan(2000);
    expect(generate('python', result.packet!, result.bytes!, 5, fill)).toContain("'x' * 3000000");
    expect(generate('mosquitto', result.packet!, result.bytes!, 5, fill)).toContain("head -c 3000000 /dev/zero | tr '\\0' 'x' |");
    const big = build(state({ payloadMode: 'hex', payloadHex: '00'.repeat(5000) }));
    expect(generate('mqttjs', big.packet!, big.bytes!, 5)).toContain("readFileSync('payload.bin')");
  });

  it('says there is no mosquitto_pub command for anything but PUBLISH, and what a client cannot send', () => {
    const sub = build(state({}, 'SUBSCRIBE'));
    expect(generate('mosquitto', sub.packet!, sub.bytes!, 5)).toMatch(/^# mosquitto_pub only publishes/);
    const withId = build(state({ properties: [{ key: 'subscriptionIdentifiers', value: '3' }] }));
    expect(generate('mosquitto', withId.packet!, withId.bytes!, 5)).toContain('MQTT-3.3.4-6');
  });

});

describe('the same intent in 3.1.1 and 5.0', () => {
  it('builds every scenario in both versions and diffs it field by field', () => {
    for (const s of SCENARIOS) {
      const c = compare(s.id)!;
      expect(c.diffs.length).toBe(Math.max(c.v4.packets.length, c.v5.packets.length));
      for (const packet of [...c.v4.packets, ...c.v5.packets]) expect(packet.spans.reduce((n, x) => n + x.length, 0)).toBe(packet.bytes.length);
      expect(hasKey(`builder.${c.titleKey}`)).toBe(true);
      expect(hasKey(`builder.${c.noteKey}`)).toBe(true);
    }
    expect(compare('nope')).toBeNull();
  });

  it('backs the numbers the notes state', () => {
    const clean = compare('clean')!;
    expect(clean.v5.total - clean.v4.total).toBe(1);
    const persistent = compare('persistent')!;
    expect(persistent.v5.total - clean.v5.total).toBe(5);
    const alias = compare('alias')!;
    expect(alias.v5.packets[0]!.bytes.length - alias.v4.packets[0]!.bytes.length).toBe(4);
    expect(alias.v4.packets[1]!.bytes.length - alias.v5.packets[1]!.bytes.length).toBe(30);
    expect('factory/line-7/press-3/temperature'.length).toBe(34);
    const puback = compare('puback')!;
    expect(toHex(puback.v4.packets[0]!.bytes, ' ')).toBe('40 02 00 07');
    expect(toHex(puback.v5.packets[0]!.bytes, ' ')).toBe('40 03 00 07 10');
    const refused = compare('refused')!;
    expect(refused.v4.packets[0]!.bytes[3]).toBe(0x04);
    expect(refused.v5.packets[0]!.bytes[3]).toBe(0x86);
  });

  it('marks what changed and what only one version has', () => {
    const rows = compare('clean')!.diffs[0]!;
    const status = Object.fromEntries(rows.map((r) => [r.path, r.status]));
    expect(status).toMatchObject({ protocolLevel: 'changed', 'properties.length': 'only5', clientId: 'same', 'fixedHeader.remainingLength': 'changed' });
    expect(rows.findIndex((r) => r.path === 'properties.length')).toBe(rows.findIndex((r) => r.path === 'keepAlive') + 1);
    expect(diffSpans(undefined, undefined)).toEqual([]);
  });
});

describe('the builder’s words', () => {
  /** Latin words left once code, packet, field and protocol names and the reader's own text (quoted) are taken out. */
  const KEPT = /MQTT-5\.0 §[\d.]+|MQTT-[\d.]+-\d+|MQTT\.js|MQTT|UTF-8|QoS|DUP|RETAIN|SCRAM|Clean Session|Clean Start|Session Present|No Local|Retain As Published|Retain Handling|mosquitto_pub|Python|paho-mqtt|\b(CONNECT|CONNACK|PUBLISH|PUBACK|PUBREC|PUBREL|PUBCOMP|SUBSCRIBE|SUBACK|UNSUBSCRIBE|UNSUBACK|PINGREQ|PINGRESP|DISCONNECT|AUTH)\b|0x[0-9a-f]+|MB\b|\bC\b/g;
  const englishIn = (text: string) => text.replace(/[“"][^”"]*[”"]/g, '').replace(KEPT, '').match(/[A-Za-z]{2,}/g) ?? [];

  it('has every builder sentence in both languages, Chinese without English words', () => {
    const keys = Object.keys(EN).filter((k) => k.startsWith('builder.'));
    expect(keys.length).toBeGreaterThan(150);
    for (const key of keys) {
      const zh = (ZH_CN as Record<string, string>)[key]!;
      expect(zh, key).not.toBe('');
      expect(englishIn(zh.replace(/\{[^{}]*\}/g, '')), `${key}: ${zh}`).toEqual([]);
    }
  });

  it('words every message the builder model produces, with its values filled in', () => {
    const messages: BuilderMessage[] = [
      ...build(state({ keepAlive: '70000' }, 'CONNECT')).errors.map((e) => e.message),
      ...build(state({ properties: [{ key: 'sessionExpiryInterval', value: '1' }] }, 'PUBLISH')).errors.map((e) => e.message),
      ...build(state({ properties: [{ key: 'contentType', value: 'a' }, { key: 'contentType', value: 'b' }] })).errors.map((e) => e.message),
      ...build(state({ payloadMode: 'hex', payloadHex: '12 3g' })).errors.map((e) => e.message),
      ...['#s=%%%', '#nothing=1', `#s=${Buffer.from(JSON.stringify({ v: 5, t: 'PUBLISH', qos: 3 })).toString('base64url')}`, '#v=5.0&hex=36', '#hex=zz',
        '#v=5.0&hex=3603000161', `#${'x'.repeat(200_000)}`, '#v=3.1.1&hex=c000c000', '#v=3.1.1&hex=100f00064d514973647003020000000161'].flatMap((h) => parseBuilderHash(h).problems),
    ];
    const h = encodeBuilderHash(state({ payloadText: 'x'.repeat(100_000) }));
    if ('reason' in h) messages.push(h.reason);
    const keys = new Set(messages.map((m) => ('key' in m ? m.key : 'text')));
    expect([...keys].sort()).toEqual(['builder.errHex', 'builder.errInteger', 'builder.errPropertyNotAllowed', 'builder.errPropertyTwice', 'builder.linkBadField',
      'builder.linkBadHex', 'builder.linkFirstOnly', 'builder.linkIncomplete', 'builder.linkMalformed', 'builder.linkNo31', 'builder.linkTooLong', 'builder.linkUnreadable', 'builder.shareTooBig']);
    for (const m of messages) {
      for (const lang of ['en', 'zh-cn'] as const) {
        const text = sayBuilder(lang, m);
        expect(text, JSON.stringify(m)).not.toMatch(/\{\w+[},]/);
        if (lang === 'zh-cn' && 'key' in m && m.parts === undefined) {
          // Values are field names and the reader's own text; the sentence around them must be Chinese.
          const strings = Object.values(m.values ?? {}).filter((v): v is string => typeof v === 'string');
          expect(englishIn(strings.reduce((t, v) => t.split(v).join(' '), text)), text).toEqual([]);
        }
      }
    }
    expect(sayBuilder('zh-cn', build(state({ keepAlive: '70000' }, 'CONNECT')).errors[0]!.message)).toBe('请输入 0 到 65,535 之间的整数。');
    expect(translate('en', 'builder.statusInvalid', { count: 1 })).toBe('No bytes: 1 problem to fix.');
    expect(translate('en', 'builder.statusInvalid', { count: 2 })).toBe('No bytes: 2 problems to fix.');
  });

  it('names the payload forms once: the choices and the field below them say different things', () => {
    for (const lang of ['en', 'zh-cn'] as const) {
      const choices = ['builder.payloadModeText', 'builder.payloadModeHex', 'builder.payloadModeFill'].map((k) => translate(lang, k));
      const fields = ['builder.payloadTextField', 'builder.payloadHexField', 'builder.payloadSize'].map((k) => translate(lang, k));
      expect(new Set([...choices, ...fields]).size).toBe(6);
    }
  });

  it('has a help text for every packet type', () => {
    for (const type of typesFor(5)) for (const lang of ['en', 'zh-cn'] as const) expect(translate(lang, `builder.help_${type}`)).not.toBe(`builder.help_${type}`);
  });
});
