import { describe, expect, it } from 'vitest';
import { fromBytes, fromValue } from '../../src/components/remaining-length/remaining-length-model.ts';
import { say, type Message } from '../../src/components/i18n/catalogue.ts';

const en = (m: Message | null) => (m === null ? '' : say('en', m));

describe('the remaining-length calculator model', () => {
  it('encodes 321 as c1 02 with a continuation bit on the first byte only', () => {
    const view = fromValue('321');
    expect(view.ok).toBe(true);
    expect(view.bytes).toEqual([0xc1, 0x02]);
    expect(view.steps.map((s) => [s.group, s.continuation, s.runningValue])).toEqual([[65, true, 65], [2, false, 321]]);
  });

  it('switches to one more byte exactly past 127, 16 383 and 2 097 151', () => {
    expect(fromValue('127').bytes).toHaveLength(1);
    expect(fromValue('128').bytes).toEqual([0x80, 0x01]);
    expect(fromValue('16383').bytes).toEqual([0xff, 0x7f]);
    expect(fromValue('16384').bytes).toEqual([0x80, 0x80, 0x01]);
    expect(fromValue('2097151').bytes).toHaveLength(3);
    expect(fromValue('2097152').bytes).toEqual([0x80, 0x80, 0x80, 0x01]);
    expect(fromValue('268435455').bytes).toEqual([0xff, 0xff, 0xff, 0x7f]);
  });

  it('refuses a length larger than four groups can hold', () => {
    const view = fromValue('268435456');
    expect(view.ok).toBe(false);
    expect(en(view.problem)).toContain('268,435,455');
  });

  it('refuses text that is not a whole number without throwing', () => {
    for (const text of ['', '-1', '1.5', 'abc', '1e9', '9'.repeat(40)]) expect(fromValue(text).ok).toBe(false);
  });

  it('decodes c1 02 back to 321', () => {
    expect(fromBytes('c1 02')).toMatchObject({ ok: true, value: 321 });
    expect(fromBytes('0xff,0x7f')).toMatchObject({ ok: true, value: 16383 });
  });

  it('calls 80 00 not minimal and cites MQTT-1.5.5-1', () => {
    expect(fromBytes('80 00')).toMatchObject({ ok: false, value: 0, rule: 'MQTT-1.5.5-1' });
  });

  it('rejects a continuation bit on the fourth byte', () => {
    const view = fromBytes('80 80 80 80 01');
    expect(view.ok).toBe(false);
    expect(en(view.problem)).toContain('fourth byte');
  });

  it('says another byte must follow when the last byte typed still has its continuation bit', () => {
    expect(en(fromBytes('80').problem)).toContain('another byte must follow');
  });

  it('points out bytes after the end of the value', () => {
    const view = fromBytes('05 00');
    expect(view).toMatchObject({ ok: false, value: 5 });
    expect(en(view.problem)).toContain('belong to the rest of the packet');
  });

  it('says every problem in Chinese too, with the numbers filled in', () => {
    const views = [fromValue('abc'), fromValue('268435456'), fromBytes('zz'), fromBytes('80 80 80 80 01 02'), fromBytes('ff ff ff ff'), fromBytes('c1'), fromBytes('c1 02 03'), fromBytes('80 00')];
    for (const view of views) {
      expect(view.ok).toBe(false);
      const zh = say('zh-cn', view.problem!);
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
      expect(zh).not.toMatch(/\{\w+/);
      expect(zh.replace(/MQTT|MB/g, '').match(/[A-Za-z]{2,}/g)).toBeNull();
    }
    expect(say('zh-cn', fromValue('268435456').problem!)).toContain('268,435,455');
  });
});

