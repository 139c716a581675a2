/**
 * MQTT 3.1 has no reserved bits in CONNECT: the connect-flag bit 0 and the fixed header's
 * DUP/QoS/RETAIN are simply unused there. Reserving them came with 3.1.1 (MQTT-3.1.2-3,
 * MQTT-2.2.2-1), so the decoder must not cite those rules against a 3.1 packet.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../src/cli/decode.ts', import.meta.url));

function decode(hex: string) {
  const result = spawnSync(process.execPath, ['--experimental-strip-types', '--no-warnings', cli, '--json', hex], { encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, out: JSON.parse(result.stdout) };
}

interface Span { path: string; bits?: Array<{ path: string; value: number; meaning?: string }> }
const bit = (packet: { fields: Span[] }, path: string) => packet.fields.flatMap((f) => f.bits ?? []).find((b) => b.path === path);

describe('decoding a 3.1 CONNECT with the bits 3.1.1 reserved', () => {
  // "MQIsdp", level 3, flags 0x03 (clean session + bit 0), keepalive 60, client id "old"; fixed header 0x12.
  const v31 = '12 11 00 06 4d 51 49 73 64 70 03 03 00 3c 00 03 6f 6c 64';
  const v311 = '12 0f 00 04 4d 51 54 54 04 03 00 3c 00 03 6f 6c 64';

  it('decodes it without error and says the bits are unused in 3.1, citing no 3.1.1 rule', () => {
    const { status, out } = decode(v31);
    expect(status).toBe(0);
    expect(out.error).toBeNull();
    const [connect] = out.packets;
    expect(connect).toMatchObject({ type: 'CONNECT', protocolName: 'MQIsdp', protocolLevel: 3, cleanSession: true, clientId: 'old' });
    const reserved = bit(connect, 'connectFlags.reserved')!;
    expect(reserved.value).toBe(1);
    expect(reserved.meaning).toMatch(/3\.1/);
    expect(reserved.meaning).not.toMatch(/^reserved, must be 0$/);
    const flags = bit(connect, 'fixedHeader.flags')!;
    expect(flags.value).toBe(2);
    expect(flags.meaning).not.toMatch(/must be 0000/);
    expect(JSON.stringify(out)).not.toMatch(/MQTT-3\.1\.2-3|MQTT-2\.2\.2-1/);
  });

  it('still reports the same bits in a 3.1.1 CONNECT as malformed, citing the 3.1.1 rule', () => {
    const { status, out } = decode(v311);
    expect(status).toBe(1);
    expect(out.error.rule).toBe('MQTT-2.2.2-1');
    const withFlagOnly = decode('10 0f 00 04 4d 51 54 54 04 03 00 3c 00 03 6f 6c 64');
    expect(withFlagOnly.out.error.rule).toBe('MQTT-3.1.2-3');
  });
});
