import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../src/cli/decode.ts', import.meta.url));

function run(args: string[], input?: string) {
  const result = spawnSync(process.execPath, ['--experimental-strip-types', '--no-warnings', cli, ...args], { input, encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const json = (args: string[], input?: string) => {
  const r = run(['--json', ...args], input);
  return { status: r.status, out: JSON.parse(r.stdout) };
};

describe('npm run decode', () => {
  it('decodes a spaced-hex PUBLISH given as an argument into the documented JSON fields', () => {
    const { status, out } = json(['30 0c 00 03 61 2f 62 68 65 6c 6c 6f 21 21']);
    expect(status).toBe(0);
    expect(out.error).toBeNull();
    expect(out.packets).toHaveLength(1);
    const [p] = out.packets;
    expect(p).toMatchObject({ type: 'PUBLISH', offset: 0, length: 14, remainingLength: 12, dup: false, qos: 0, retain: false, topic: 'a/b', payloadHex: '68656c6c6f2121' });
    expect(p.fields.map((f: { path: string }) => f.path)).toEqual(['fixedHeader', 'fixedHeader.remainingLength', 'topic.length', 'topic', 'payload']);
  });

  it('reads hex from standard input and decodes a stream of several packets', () => {
    const { status, out } = json([], '82 08 00 01 00 03 61 2f 23 01\n90 03 00 01 01\nc0 00');
    expect(status).toBe(0);
    expect(out.packets.map((p: { type: string }) => p.type)).toEqual(['SUBSCRIBE', 'SUBACK', 'PINGREQ']);
    expect(out.packets[0].subscriptions).toEqual([{ topicFilter: 'a/#', qos: 1 }]);
    expect(out.packets[1]).toMatchObject({ packetId: 1, reasonCodes: [1] });
  });

  it('follows the version a CONNECT announces and reports 5.0 properties with MQTT.js names', () => {
    // CONNECT v5 with session expiry 30, then a v5 PUBLISH with a user property and content type.
    const connect = '10 15 00 04 4d 51 54 54 05 02 00 3c 05 11 00 00 00 1e 00 03 63 69 64';
    const publish = '30 1b 00 01 74 15 26 00 01 6b 00 01 76 26 00 01 6b 00 01 77 03 00 04 74 65 78 74 68 69';
    const { status, out } = json([connect, publish]);
    expect(status).toBe(0);
    expect(out.protocol.version).toBe('5.0');
    expect(out.protocol.reason).toContain('CONNECT');
    expect(out.packets[0]).toMatchObject({ type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 5, cleanSession: true, keepAlive: 60, clientId: 'cid', properties: { sessionExpiryInterval: 30 } });
    expect(out.packets[1].properties).toEqual({ userProperties: [['k', 'v'], ['k', 'w']], contentType: 'text' });
    expect(out.packets[1].payloadHex).toBe('6869');
  });

  it('reports a malformed packet with its offset, field and rule, and exits 1', () => {
    const { status, out } = json(['c0 00 36 05 00 01 61 00 01']);
    expect(status).toBe(1);
    expect(out.packets.map((p: { type: string }) => p.type)).toEqual(['PINGREQ']);
    expect(out.error).toMatchObject({ offset: 2, field: 'fixedHeader.flags.qos', rule: 'MQTT-3.3.1-4' });
  });

  it('goes on after a malformed packet whose framing is intact and lists every problem', () => {
    const { out } = json(['30 03 00 01 2b', '60 02 00 01', 'd0 00']);
    expect(out.errors.map((e: { rule: string }) => e.rule)).toEqual(['MQTT-3.3.2-2', 'MQTT-3.6.1-1']);
    expect(out.packets.map((p: { type: string }) => p.type)).toEqual(['PINGRESP']);
  });

  it('says how many bytes an incomplete packet still needs', () => {
    const r = run(['30 0d 00 03 61']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('needs 10 more byte');
  });

  it('prints an annotated table with bit fields in human mode', () => {
    const r = run(['--protocol', '3.1.1', '32 06 00 01 61 00 07 ff']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('PUBLISH at offset 0, 8 bytes');
    expect(r.stdout).toMatch(/bits 2-1\s+QoS = 1/);
    expect(r.stdout).toMatch(/packetId\s+7/);
  });

  it('refuses an unknown --protocol value with a usage error', () => {
    const r = run(['--protocol', '6', 'c0 00']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--protocol takes 3.1, 3.1.1, 5.0 or auto');
  });

  it('names the bad character when the input is not hex', () => {
    const r = run(['--json', '30 0g']);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).error.message).toMatch(/g/);
  });
});
