/**
 * `npm run broker`: the CLI as a real process, with a real MQTT.js client, stopped with SIGINT.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connectAsync } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../src/cli/broker.ts', import.meta.url));
const children: ChildProcessWithoutNullStreams[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Resolves when a line matching `pattern` appears on stdout; rejects after `ms`. */
function waitForLine(child: ChildProcessWithoutNullStreams, output: { text: string }, pattern: RegExp, ms = 10_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      child.stdout.off('data', check);
      child.off('exit', exited);
    };
    const check = () => {
      const match = output.text.match(pattern);
      if (match) {
        done();
        resolve(match);
      }
    };
    const exited = () => {
      done();
      reject(new Error(`the broker exited before printing ${pattern}:\n${output.text}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no line matching ${pattern} in:\n${output.text}`));
    }, ms);
    child.stdout.on('data', check);
    child.once('exit', exited);
    check();
  });
}

describe('npm run broker', () => {
  it('listens on TCP and WebSocket, prints what clients do, and stops cleanly on SIGINT', async () => {
    const child = spawn(process.execPath, ['--experimental-strip-types', '--no-warnings', cli, '--port', '0', '--ws-port', '0', '--host', '127.0.0.1']);
    children.push(child);
    const output = { text: '' };
    child.stdout.on('data', (chunk: Buffer) => { output.text += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output.text += chunk.toString(); });
    const [, port] = await waitForLine(child, output, /listening on mqtt:\/\/127\.0\.0\.1:(\d+)/);
    const [, wsPort] = await waitForLine(child, output, /ws:\/\/127\.0\.0\.1:(\d+)\/mqtt/);

    const tcp = await connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'cli-tcp', reconnectPeriod: 0, connectTimeout: 3000 });
    const ws = await connectAsync(`ws://127.0.0.1:${wsPort}/mqtt`, { clientId: 'cli-ws', protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 3000 });
    await ws.subscribeAsync('cli/#', { qos: 1 });
    const received = new Promise<string>((resolve) => ws.once('message', (_t, payload) => resolve(payload.toString())));
    await tcp.publishAsync('cli/hello', 'over tcp', { qos: 1 });
    expect(await received).toBe('over tcp');
    await waitForLine(child, output, /cli-tcp published 8 bytes on cli\/hello/);
    expect(output.text).toMatch(/cli-ws subscribed to cli\/# \(QoS 1\)/);
    expect(output.text).toMatch(/cli-tcp connected on .* \(MQTT 3\.1\.1/);

    const wsDisconnect = new Promise<number | undefined>((resolve) => ws.once('disconnect', (packet) => resolve(packet.reasonCode)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await wsDisconnect).toBe(0x8b);
    expect(output.text).toMatch(/SIGINT: stopping\n(.*\n)*stopped\n$/);
    tcp.end(true);
    ws.end(true);
  }, 20_000);

  it('explains its options and refuses unknown ones', async () => {
    const child = spawn(process.execPath, ['--experimental-strip-types', '--no-warnings', cli, '--bogus']);
    children.push(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/Unknown option --bogus/);
    expect(stderr).toMatch(/--ws-port/);
  });
});
