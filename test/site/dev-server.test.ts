/**
 * `npm run dev`, the README's first command, as a reader meets it: the dev server renders whole
 * pages. Its HTML differs from the build's (every element carries data-astro-source-* attributes,
 * scripts are served from source), and the Starlight overrides in src/components/starlight/ edit
 * that HTML: once, such an edit threw on every page in dev only, and the page stopped after the
 * site title, while the build and every test of dist/ passed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/mosquitto.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ASTRO = fileURLToPath(new URL('../../node_modules/astro/bin/astro.mjs', import.meta.url));
const PAGES = ['/', '/zh-cn/', '/guides/what-is-mqtt/', '/zh-cn/guides/qos/', '/tools/packet-builder/', '/zh-cn/tools/broker-lab/'];

let child: ChildProcess | undefined;
let base = '';
let log = '';
let lastError = '';

beforeAll(async () => {
  const port = await freePort();
  // --ignore-lock: run beside a dev server the developer may have open, and in the foreground.
  child = spawn(process.execPath, [ASTRO, 'dev', '--host', '127.0.0.1', '--port', String(port), '--ignore-lock'], {
    cwd: ROOT,
    // As from a shell: without Vitest's variables (NODE_ENV=test, VITEST…), which Astro and Vite read.
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(VITEST|NODE_ENV$|TEST$)/.test(key))), ASTRO_TELEMETRY_DISABLED: '1', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => { log += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { log += chunk.toString(); });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`astro dev exited (${child.exitCode}):\n${log.slice(-3000)}`);
    // The address it prints (Vite moves to another port when the one asked for is taken).
    const local = /Local\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(log);
    if (local !== null) {
      base = local[1]!;
      try {
        const response = await fetch(base + '/', { signal: AbortSignal.timeout(10_000) });
        if (response.ok) break;
        lastError = `HTTP ${response.status} for /`;
      } catch (e) { lastError = String((e as Error).cause ?? e); }
    }
    if (Date.now() > deadline) throw new Error(`astro dev did not answer within 60 s (${lastError || 'no address printed'}):\n${log.slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}, 90_000);

afterAll(async () => {
  if (child !== undefined && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

describe('npm run dev (astro dev)', () => {
  it.each(PAGES)('renders %s whole: the header\'s search button, the main content and the end of the page', async (path) => {
    const response = await fetch(base + path, { signal: AbortSignal.timeout(30_000) });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toMatch(/<button\b[^>]*\bdata-open-modal\b/);
    expect(html).toContain('<main');
    expect(html).toContain('</html>');
    // One definition of the site-search element: ours, with Starlight's own script taken out.
    expect(html.match(/<script type="module" src="[^"]*\/Search\.astro\?astro&(?:amp;)?type=script[^"]*"/g)?.length).toBe(1);
  }, 60_000);

  it('logs no error while rendering those pages', () => {
    expect(log.split('\n').filter((line) => /\[ERROR\]|Error:/.test(line))).toEqual([]);
  });
});
