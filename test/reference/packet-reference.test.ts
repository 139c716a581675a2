/**
 * The generated packet reference: its examples are real packets (mqtt-packet, a codec nobody here
 * wrote, reads each one to the same meaning), its tables come from the codec's own tables, and
 * the built pages exist in both languages with working links into the decoder and the builder.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAll, PROPERTIES, REASON_CODES, type PacketType } from '../../src/mqtt/codec/index.ts';
import { packetPart } from '../../src/mqtt/codec/packet-parts.ts';
import { allPacketReferences, PACKET_ORDER, packetReference, referenceSlug } from '../../src/components/reference/reference-model.ts';
import { EN } from '../../src/components/i18n/en.ts';
import { ZH_CN } from '../../src/components/i18n/zh-cn.ts';
import { fromMqtt, mqttParse, canonicalForMqttPacket } from '../support/mqtt-packet-adapter.ts';

const DIST = new URL('../../dist/', import.meta.url).pathname;

describe('the packet reference model', () => {
  it('covers all fifteen control packet types in type-code order', () => {
    const refs = allPacketReferences();
    expect(refs.map((r) => r.type)).toEqual(PACKET_ORDER);
    expect(refs.map((r) => r.typeCode)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  });

  it('gives every type at least one example, and a 5.0 example wherever 5.0 differs', () => {
    for (const ref of allPacketReferences()) {
      expect(ref.examples.length, ref.type).toBeGreaterThanOrEqual(1);
      if (ref.type !== 'PINGREQ' && ref.type !== 'PINGRESP') {
        expect(ref.examples.some((e) => e.version === 5), ref.type).toBe(true);
      }
    }
  });

  it('has examples that mqtt-packet reads to the same packet our decoder reads', () => {
    let checked = 0;
    for (const ref of allPacketReferences()) {
      for (const example of ref.examples) {
        const ours = decodeAll(example.bytes, { protocolVersion: example.version });
        expect(ours.failures, `${example.id}`).toEqual([]);
        expect(ours.packets).toHaveLength(1);
        const theirs = mqttParse(example.bytes, example.version);
        expect(theirs.error, `${example.id}: ${String(theirs.error)}`).toBeNull();
        expect(theirs.packets).toHaveLength(1);
        const packet = ours.packets[0]!.packet;
        expect(packet.type).toBe(ref.type);
        expect(canonicalForMqttPacket(fromMqtt(theirs.packets[0]!, example.version), example.version)).toEqual(canonicalForMqttPacket(packet, example.version));
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(30);
  });

  it('annotates every byte of every example exactly once', () => {
    for (const ref of allPacketReferences()) {
      for (const example of ref.examples) {
        let next = 0;
        for (const field of example.fields) {
          expect(field.offset, `${example.id} ${field.path}`).toBe(next);
          next += field.length;
        }
        expect(next).toBe(example.bytes.length);
      }
    }
  });

  it('lists exactly the properties the codec allows in each packet, Will Properties marked', () => {
    const connect = packetReference('CONNECT');
    expect(connect.properties.find((p) => p.id === 0x18)?.inWill).toBe(true); // Will Delay Interval
    expect(connect.properties.find((p) => p.id === 0x11)?.inWill).toBe(false); // Session Expiry Interval
    const publish = packetReference('PUBLISH');
    expect(publish.properties.map((p) => p.id)).toEqual(PROPERTIES.filter((p) => p.contexts.includes('PUBLISH')).map((p) => p.id));
    expect(packetReference('PINGREQ').properties).toEqual([]);
    // 5.0 §3.15.2.2: AUTH carries Authentication Method, Authentication Data, Reason String, User Property.
    expect(packetReference('AUTH').properties.map((p) => p.id)).toEqual([0x15, 0x16, 0x1f, 0x26]);
  });

  it('lists the 5.0 reason codes per packet from the codec table, and the 3.1.1 return codes', () => {
    expect(packetReference('PUBREL').reasonCodes.map((r) => r.code)).toEqual([0x00, 0x92]);
    expect(packetReference('DISCONNECT').reasonCodes).toHaveLength(REASON_CODES.filter((r) => r.packets.includes('DISCONNECT')).length);
    expect(packetReference('CONNACK').returnCodesV4.map((r) => r.code)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(packetReference('SUBACK').returnCodesV4.map((r) => r.code)).toEqual([0, 1, 2, 0x80]);
    expect(packetReference('PUBLISH').returnCodesV4).toEqual([]);
  });

  it('names the reserved flag bits and their rule, and PUBLISH’s DUP, QoS and RETAIN', () => {
    const pubrel = packetReference('PUBREL');
    expect(pubrel.flags.map((f) => f.fixed)).toEqual([0, 0, 1, 0]);
    expect(pubrel.flagsRule[4]).toBe('MQTT-3.6.1-1');
    expect(packetReference('CONNECT').flagsRule[5]).toBe('MQTT-2.1.3-1');
    expect(packetReference('CONNECT').flagsRule[4]).toBe('MQTT-2.2.2-1');
    expect(packetReference('PUBLISH').flags.map((f) => f.name)).toEqual(['dup', 'qos1', 'qos0', 'retain']);
    expect(packetReference('AUTH').versions).toEqual([5]);
  });

  it('places fields in the part of the packet the spec puts them in', () => {
    expect(packetPart('fixedHeader.remainingLength', 'PUBLISH')).toBe('fixedHeader');
    expect(packetPart('topic', 'PUBLISH')).toBe('variableHeader');
    expect(packetPart('payload', 'PUBLISH')).toBe('payload');
    expect(packetPart('clientId.length', 'CONNECT')).toBe('payload');
    expect(packetPart('will.properties[0].id', 'CONNECT')).toBe('properties');
    expect(packetPart('keepAlive', 'CONNECT')).toBe('variableHeader');
    expect(packetPart('subscriptions[1].qos', 'SUBSCRIBE')).toBe('payload');
    expect(packetPart('reasonCode', 'PUBACK')).toBe('variableHeader');
  });

  it('has a title in both languages for every example and a summary for every type', () => {
    for (const ref of allPacketReferences()) {
      const summary = `reference.summary.${ref.type}` as keyof typeof EN;
      expect(EN[summary], ref.type).toBeTruthy();
      expect(ZH_CN[summary], ref.type).toMatch(/[\u4e00-\u9fff]/);
      for (const example of ref.examples) {
        const key = `reference.example.${example.id}` as keyof typeof EN;
        expect(EN[key], example.id).toBeTruthy();
        expect(ZH_CN[key], example.id).toBeTruthy();
      }
    }
  });
});

describe('the built packet reference pages', () => {
  const page = (lang: '' | 'zh-cn/', type: PacketType) => join(DIST, lang, 'reference', referenceSlug(type), 'index.html');

  it('exist for every type in English and Chinese, with an index page in each', () => {
    expect(existsSync(join(DIST, 'reference', 'index.html'))).toBe(true);
    expect(existsSync(join(DIST, 'zh-cn', 'reference', 'index.html'))).toBe(true);
    for (const type of PACKET_ORDER) {
      expect(existsSync(page('', type)), type).toBe(true);
      expect(existsSync(page('zh-cn/', type)), type).toBe(true);
    }
  });

  it('link every example to the decoder and the builder with bytes that decode to that packet', () => {
    for (const type of PACKET_ORDER) {
      for (const [lang, prefix] of [['', ''], ['zh-cn/', '/zh-cn']] as const) {
        const html = readFileSync(page(lang, type), 'utf8');
        const links = [...html.matchAll(/href="([^"]*\/tools\/hex-decoder\/#hex=([0-9a-f]+)&(?:amp;)?v=([0-9.]+))"/g)];
        expect(links.length, `${lang}${type}`).toBe(packetReference(type).examples.length);
        for (const [, href, hex, v] of links) {
          expect(href!.startsWith(`${prefix}/tools/hex-decoder/`)).toBe(true);
          const bytes = Uint8Array.from(hex!.match(/../g)!.map((b) => parseInt(b, 16)));
          const decoded = decodeAll(bytes, { protocolVersion: v === '5.0' ? 5 : 4 });
          expect(decoded.packets[0]?.packet.type).toBe(type);
        }
        expect(html).toContain(`${prefix}/tools/packet-builder/#v=`);
      }
    }
  });

  it('are written in Chinese on the Chinese side', () => {
    const html = readFileSync(page('zh-cn/', 'PUBLISH'), 'utf8');
    expect(html).toContain('lang="zh-CN"');
    expect(html).toContain('固定报头');
    expect(html).toContain('有效载荷');
  });

  it('name the four packet-part colours in a legend, in the page’s language, above the field tables and the examples', () => {
    const legends = (html: string) => [...html.matchAll(/<ul class="mqtt-part-legend"[^>]*>(.*?)<\/ul>/gs)].map((m) => m[1]!.replace(/<[^>]+>/g, '|').split('|').filter((s) => s.trim() !== ''));
    // PUBLISH has a field table per version (3.1.1 and 5.0) and examples: three legends.
    expect(legends(readFileSync(page('', 'PUBLISH'), 'utf8'))).toEqual(Array(3).fill(['Fixed header', 'Variable header', 'Properties', 'Payload']));
    expect(legends(readFileSync(page('zh-cn/', 'PUBLISH'), 'utf8'))).toEqual(Array(3).fill(['固定报头', '可变报头', '属性', '有效载荷']));
  });

  it('show 5.0 reason codes and 3.1.1 return codes as code and name tables', () => {
    const html = readFileSync(page('', 'CONNACK'), 'utf8');
    const table = (id: string) => {
      const after = html.slice(html.indexOf(`id="${id}"`));
      return after.slice(after.indexOf('<table'), after.indexOf('</table>'));
    };
    expect(table('reason-codes')).toMatch(/<th scope="col"[^>]*>Code<\/th>/);
    expect(table('reason-codes')).toMatch(/<code[^>]*>0x87<\/code><\/td><td[^>]*>Not authorized<\/td>/);
    expect(table('return-codes')).toMatch(/<code[^>]*>0x05<\/code><\/td><td[^>]*>[^<]+<\/td>/);
    expect(table('return-codes')).toContain('tabindex="0"');
  });
});
