import { describe, expect, it } from 'vitest';
import { quickDecode } from '../../src/components/quick-decode/quick-decode-model.ts';

const CONNECT = '10 1a 00 04 4d 51 54 54 04 02 00 3c 00 0e 6d 6f 73 71 5f 70 75 62 5f 31 32 33 34 35';

describe('quick decode', () => {
  it('decodes in English with real plurals and the codec’s field names', () => {
    const r = quickDecode(CONNECT, 'auto', 'en');
    expect(r.status).toBe('ok');
    expect(r.notes[0]).toMatch(/^Read 28 bytes as /);
    expect(r.packets[0]!.title).toBe('CONNECT — 28 bytes at offset 0');
    expect(r.packets[0]!.rows.find((row) => row.path === 'clientId')?.label).toBe('Client identifier');
    expect(quickDecode('c0', 'auto', 'en').problem?.message).toBe('The input ends inside a packet: fixedHeader.remainingLength needs 1 more byte.');
  });

  it('speaks Chinese on the Chinese page: notes, titles, field names, bit meanings and rule texts', () => {
    const r = quickDecode(CONNECT, 'auto', 'zh-cn');
    const text = [...r.notes, r.packets[0]!.title, ...r.packets[0]!.rows.flatMap((row) => [row.label, ...row.bits.flatMap((b) => [b.label, b.meaning, b.bitRange])])].join(' ');
    expect(r.packets[0]!.rows.find((row) => row.path === 'clientId')?.label).toBe('客户端标识符');
    expect(r.packets[0]!.title).toBe('CONNECT——28 字节，偏移 0');
    // Nothing English but packet/field names and numbers (flag names like DUP, QoS, RETAIN are protocol names).
    expect(text).not.toMatch(/\b(bytes?|offset|reserved|must|Client|identifier|Version|Read)\b/);
    const bad = quickDecode('30 04 00 01 2b 00', '3.1.1', 'zh-cn');
    expect(bad.problem?.rule).toBe('MQTT-3.3.2-2');
    expect(bad.problem?.message).toMatch(/通配符/);
  });
});
