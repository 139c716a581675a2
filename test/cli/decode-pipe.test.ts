/**
 * The decode CLI writing into a real pipe. A pipe holds 64 KiB; whatever does not fit waits in
 * the process until the reader takes it, so a CLI that ends itself with process.exit() right
 * after writing cuts its output at the pipe's size. These tests send more than 1 MB through a
 * shell pipe into a reader that takes its time, as `| jq .` does, and check every byte came out.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../src/cli/decode.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'decode-pipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hex = (bytes: number[]) => bytes.map((b) => b.toString(16).padStart(2, '0')).join('');

/** CONNECT (3.1.1, client id "c") + one QoS 0 PUBLISH to "t" with a 600 kB payload + DISCONNECT. */
function bigPublishStream(): string {
  const connect = [0x10, 0x0d, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x01, 0x63];
  const payloadLength = 600_000;
  const remaining = 3 + payloadLength;
  const vbi: number[] = [];
  let x = remaining;
  do { let b = x % 128; x = Math.floor(x / 128); if (x > 0) b |= 0x80; vbi.push(b); } while (x > 0);
  const publishHead = [0x30, ...vbi, 0x00, 0x01, 0x74];
  return `${hex(connect)}${hex(publishHead)}${'ab'.repeat(payloadLength)}e000\n`;
}

/** Many small PUBLISHes: each one prints a table of several lines in text mode. */
function manySmallPublishes(count: number): string {
  const one = hex([0x30, 0x0c, 0x00, 0x03, 0x61, 0x2f, 0x62, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x21, 0x21]);
  return `${one.repeat(count)}\n`;
}

/**
 * Runs the CLI with stdin from a file and stdout into a shell pipe whose reader starts reading
 * only after a pause (so the pipe is full when the CLI finishes writing) and counts the bytes.
 */
function throughPipe(name: string, input: string, args: string[]): { status: number | null; output: string; cliStatus: string } {
  const inFile = join(dir, `${name}.hex`);
  const outFile = join(dir, `${name}.out`);
  const statusFile = join(dir, `${name}.status`);
  writeFileSync(inFile, input);
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  // The reader: waits until the CLI has written all it can before reading (a slow consumer).
  const command = `{ ${q(process.execPath)} --experimental-strip-types --no-warnings ${q(cli)} ${args.map(q).join(' ')} < ${q(inFile)}; echo $? > ${q(statusFile)}; } | { sleep 0.3; cat > ${q(outFile)}; }`;
  const result = spawnSync('sh', ['-c', command], { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: readFileSync(outFile, 'utf8'), cliStatus: readFileSync(statusFile, 'utf8').trim() };
}

describe('npm run decode into a pipe', () => {
  it('writes the whole JSON (over 1 MB) into a pipe whose reader is slow, and exits 0', () => {
    const { output, cliStatus } = throughPipe('json', bigPublishStream(), ['--json']);
    expect(output.length).toBeGreaterThan(1_000_000);
    const parsed = JSON.parse(output);
    expect(parsed.packets.map((p: { type: string }) => p.type)).toEqual(['CONNECT', 'PUBLISH', 'DISCONNECT']);
    expect(parsed.packets[1].payloadHex).toHaveLength(1_200_000);
    expect(cliStatus).toBe('0');
  }, 60_000);

  it('writes the whole text table (over 1 MB) into a slow pipe, summary line included', () => {
    const count = 4000;
    const { output, cliStatus } = throughPipe('text', manySmallPublishes(count), ['--protocol', '3.1.1']);
    expect(output.length).toBeGreaterThan(1_000_000);
    expect(output.match(/^PUBLISH at offset/gm)?.length).toBe(count);
    expect(output.trimEnd().endsWith(`${count} packet(s) decoded, 0 malformed.`)).toBe(true);
    expect(cliStatus).toBe('0');
  }, 60_000);

  it('keeps exit status 1 for malformed input while still writing everything', () => {
    const { output, cliStatus } = throughPipe('bad', `${bigPublishStream().trim()}60020001\n`, ['--json']);
    const parsed = JSON.parse(output);
    expect(parsed.errors.map((e: { rule: string }) => e.rule)).toEqual(['MQTT-3.6.1-1']);
    expect(cliStatus).toBe('1');
  }, 60_000);
});
