/**
 * The broker lab in Chromium: a guided experiment run as a user would (offline QoS 1 with a
 * persistent session, queued and delivered, seen in the log and the inspector), the virtual clock,
 * URL state, and the real-broker mode against a mosquitto websockets listener started here.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchChromium } from '../support/browser.ts';
import { freePort, startMosquitto, type Mosquitto } from '../support/mosquitto.ts';
import { serveDist } from '../support/static-server.ts';
import { ensureDebianPackages } from '../support/system-packages.ts';
import { startNodeBroker } from '../../src/cli/node-broker.ts';

let browser: Browser;
let site: { url: string; close: () => Promise<void> };

/** BROKER_LAB_DIST=/some/dir serves another build (to test without touching dist/). */
async function serve(): Promise<{ url: string; close: () => Promise<void> }> {
  const root = process.env.BROKER_LAB_DIST;
  if (root === undefined) return serveDist();
  const server = createServer((request, response) => {
    let file = normalize(join(root, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)));
    if (!file.startsWith(root)) { response.writeHead(403).end(); return; }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) { response.writeHead(404).end(); return; }
    const type = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' }[extname(file)];
    response.writeHead(200, { 'content-type': type ?? 'application/octet-stream' });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

beforeAll(async () => {
  site = await serve();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function openLab(path = '/tools/broker-lab/', options: { width?: number } = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: options.width ?? 1200, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${site.url}${path}`);
  // The island hydrates, then loads MQTT.js and the broker.
  await page.locator('[data-testid="broker-lab"][data-ready="true"]').waitFor({ timeout: 20_000 });
  return { page, errors };
}

const logRows = (page: Page, selector = '') => page.locator(`[data-testid="packet-log"] tbody tr${selector}`);

describe('the broker lab in Chromium', () => {
  it('runs the offline QoS 1 experiment by keyboard: queued while offline, delivered on reconnect', { timeout: 60_000 }, async () => {
    const { page, errors } = await openLab();
    await page.getByTestId('param-version').selectOption('3.1.1');
    await page.getByTestId('param-session').selectOption('persistent');
    await page.getByTestId('param-qos').selectOption('1');
    await page.getByTestId('param-sub').selectOption('offline');
    // The run button waits for a prediction.
    expect(await page.getByTestId('run').isDisabled()).toBe(true);
    await page.getByTestId('predict-delivered').focus();
    await page.keyboard.press('Space');
    await page.getByTestId('run').focus();
    await page.keyboard.press('Enter');
    const outcome = page.getByTestId('outcome');
    await expect.poll(() => outcome.textContent(), { timeout: 20_000 }).toContain('The lab saw');
    expect(await page.getByTestId('observed').textContent()).toBe('Yes, B receives it');
    expect(await outcome.textContent()).toContain('Right!');
    expect(await outcome.textContent()).toContain('Session Present = 1');

    // The log: the broker queued the message for the offline subscriber, then delivered it.
    expect(await logRows(page, '[data-type="message-queued"]').textContent()).toContain('queued lab/news for subscriber (offline; 1 waiting)');
    const delivery = logRows(page, '[data-type="PUBLISH"][data-label="B"][data-direction="to-client"]');
    expect(await delivery.count()).toBe(1);
    expect(await delivery.locator('a').getAttribute('href')).toMatch(/^\/tools\/hex-decoder\/#hex=32[0-9a-f]+&v=3\.1\.1$/);
    expect(await page.getByTestId('received-B').textContent()).toContain('“hello” QoS 1');

    // By hand now: B leaves, A publishes, and the inspector shows the message waiting in B's session.
    await page.getByTestId('disconnect-B').click();
    await expect.poll(() => page.getByTestId('status-B').textContent()).toContain('offline');
    await page.getByTestId('payload-A').fill('second');
    await page.getByTestId('pubqos-A').selectOption('1');
    await page.getByTestId('publish-A').click();
    await expect.poll(() => page.getByTestId('session-queue-subscriber').textContent()).toContain('“second” QoS 1');
    expect(await page.getByTestId('session-state-subscriber').textContent()).toContain('offline');
    await page.getByTestId('connect-B').click();
    await expect.poll(() => page.getByTestId('received-B').textContent()).toContain('“second” QoS 1');
    expect(await page.getByTestId('session-queue-subscriber').textContent()).toBe('none');
    expect(await page.getByTestId('client-B').textContent()).toContain('Session Present: 1');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows its clients at once and loads MQTT.js only on the first interaction, which still does its job', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const scripts: string[] = [];
    page.on('request', (r) => { if (r.resourceType() === 'script') scripts.push(r.url()); });
    await page.goto(`${site.url}/tools/broker-lab/`);
    const root = page.locator('[data-testid="broker-lab"][data-ready="true"]');
    await root.waitFor({ timeout: 20_000 });
    await page.waitForLoadState('networkidle');
    // Ready (interactive) with the engine not loaded: the clients are there, offline, connectable.
    expect(await root.getAttribute('data-engine')).toBe('none');
    const before = scripts.length;
    await expect.poll(() => page.getByTestId('status-A').textContent()).toContain('offline');
    expect(await page.getByTestId('connect-A').isEnabled()).toBe(true);
    // The first click is not lost: it loads the engine on the way and connects A.
    await page.getByTestId('connect-A').click();
    await expect.poll(() => page.getByTestId('status-A').textContent(), { timeout: 20_000 }).toContain('online');
    expect(await root.getAttribute('data-engine')).toBe('loaded');
    expect(scripts.length).toBeGreaterThan(before);
    expect(await logRows(page, '[data-type="CONNACK"][data-label="A"]').count()).toBe(1);
    await page.close();
  });

  it('watches keepalive expiry fire the will on the virtual clock', async () => {
    const { page } = await openLab('/tools/broker-lab/#x=keepalive&client=silent');
    expect(await page.getByTestId('experiment').inputValue()).toBe('keepalive');
    await page.getByTestId('predict-15').check();
    await page.getByTestId('run').click();
    await expect.poll(() => page.getByTestId('observed').textContent().catch(() => ''), { timeout: 20_000 }).toBe('After 15 s');
    const expired = logRows(page, '[data-type="keepalive-expired"]');
    expect(await expired.locator('td').first().textContent()).toBe('15.000 s');
    expect(await page.getByTestId('received-B').textContent()).toContain('“offline”');

    // The clock by hand: A again, silent, and "to the next deadline" lands on 1.5 × keepalive.
    await page.getByTestId('connect-A').click();
    await expect.poll(() => page.getByTestId('status-A').textContent()).toContain('online');
    await page.getByTestId('silence-A').click();
    expect(await page.getByTestId('next-deadline').textContent()).toContain('keepalive of A (sensor-1) runs out');
    await page.getByTestId('to-deadline').click();
    await expect.poll(() => page.getByTestId('status-A').textContent()).toContain('offline');
    expect(await page.getByTestId('clock-time').textContent()).toBe('1:15.000');
    await page.close();
  });

  it('keeps the experiment in the URL and explains a tampered link', { timeout: 60_000 }, async () => {
    const { page } = await openLab();
    await page.getByTestId('experiment').selectOption('retained');
    await page.getByTestId('param-action').selectOption('clear');
    await expect.poll(() => page.url()).toContain('#x=retained&action=clear');
    await page.reload();
    await page.locator('[data-testid="broker-lab"][data-ready="true"]').waitFor();
    expect(await page.getByTestId('param-action').inputValue()).toBe('clear');
    await page.close();

    const tampered = await openLab('/tools/broker-lab/#x=session&qos=7&url=%3Cimg%3E');
    await expect.poll(() => tampered.page.getByRole('alert').first().textContent()).toContain('must be one of 0, 1, 2');
    expect(await tampered.page.locator('[data-testid="broker-lab"] img').count()).toBe(0);
    expect(tampered.errors).toEqual([]);
    await tampered.page.close();
  });

  it('has no axe-core violations, on a desktop and at phone width', async () => {
    for (const width of [1200, 375]) {
      const { page } = await openLab('/tools/broker-lab/', { width });
      await page.getByTestId('predict-delivered').check();
      await page.getByTestId('run').click();
      await expect.poll(() => page.getByTestId('outcome').textContent(), { timeout: 20_000 }).toContain('The lab saw');
      await page.locator('[data-testid="broker-lab"] details').evaluateAll((all) => all.forEach((d) => { (d as HTMLDetailsElement).open = true; }));
      const violations = await axeViolations(page, '[data-testid="broker-lab"]');
      expect(violations.map((v) => `${width}px ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`)).toEqual([]);
      // Usable at 375 px: nothing but the log's own scroller is wider than the screen.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await page.close();
    }
  }, 60_000);

  it('runs each guide\'s experiment in place, with no axe-core violations', async () => {
    const guides: Array<[string, string, string]> = [
      ['/guides/sessions/', 'delivered', 'Yes, B receives it'],
      ['/guides/retained-messages/', 'last', '“21.5”, the retained message'],
      ['/guides/last-will/', 'sent', 'Yes, the broker publishes the will'],
      ['/guides/keepalive/', '15', 'After 15 s'],
      ['/guides/client-ids/', 'refused', 'Refuses the connection'],
    ];
    for (const [path, prediction, observed] of guides) {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${site.url}${path}`);
      // client:visible: the lab starts when it scrolls into view.
      const lab = page.locator('[data-testid="broker-lab"]').first();
      await lab.scrollIntoViewIfNeeded();
      await page.locator('[data-testid="broker-lab"][data-ready="true"]').first().waitFor({ timeout: 20_000 });
      await lab.getByTestId(`predict-${prediction}`).check();
      await lab.getByTestId('run').click();
      await expect.poll(() => lab.getByTestId('observed').textContent().catch(() => ''), { timeout: 20_000 }).toBe(observed);
      // Guides leave the page's URL alone.
      expect(page.url()).toBe(`${site.url}${path}`);
      const violations = await axeViolations(page, '[data-testid="broker-lab"]');
      expect(violations.map((v) => `${path} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`)).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    }
  }, 120_000);

  it('runs on its own embed page', async () => {
    const { page } = await openLab('/embed/broker-lab/#x=downgrade&pub=2&sub=0');
    await page.getByTestId('predict-0').check();
    await page.getByTestId('run').click();
    await expect.poll(() => page.getByTestId('observed').textContent().catch(() => ''), { timeout: 20_000 }).toBe('QoS 0');
    await page.close();
  });
});

describe('the enhanced-authentication experiment (SCRAM-SHA-256)', () => {
  const cases: Array<[string, string, string, string, string]> = [
    ['/tools/broker-lab/#x=enhanced-auth&password=right', 'accepted', 'CONNACK 0x00: A is connected', 'Right!', '0x00 Success'],
    ['/tools/broker-lab/#x=enhanced-auth&password=wrong', 'bad-credentials', 'CONNACK 0x86: bad user name or password', 'Right!', '0x86 Bad User Name or Password'],
    ['/zh-cn/tools/broker-lab/#x=enhanced-auth&password=right', 'accepted', 'CONNACK 0x00：A 连接成功', '实验室观察到', '0x00 Success'],
    ['/zh-cn/tools/broker-lab/#x=enhanced-auth&password=wrong', 'bad-credentials', 'CONNACK 0x86：用户名或密码错误', '实验室观察到', '0x86 Bad User Name or Password'],
  ];
  it.each(cases)('%s: the AUTH exchange in the log, then the outcome', async (path, prediction, observed, said, connack) => {
    const { page, errors } = await openLab(path);
    expect(await page.getByTestId('experiment').inputValue()).toBe('enhanced-auth');
    await page.getByTestId(`predict-${prediction}`).check();
    await page.getByTestId('run').click();
    await expect.poll(() => page.getByTestId('observed').textContent().catch(() => ''), { timeout: 30_000 }).toBe(observed);
    expect(await page.getByTestId('outcome').textContent()).toContain(said);
    // The packets of A, in order, with the method and data on each.
    const rows = logRows(page, '[data-kind="packet"][data-label="A"]');
    expect(await rows.evaluateAll((all) => all.map((r) => `${r.getAttribute('data-direction')} ${r.getAttribute('data-type')}`)))
      .toEqual(['to-broker CONNECT', 'to-client AUTH', 'to-broker AUTH', 'to-client CONNACK']);
    const summaries = await rows.locator('td:last-child').allTextContents();
    expect(summaries[0]).toContain('Authentication Method SCRAM-SHA-256');
    expect(summaries[0]).toMatch(/Authentication Data “n,,n=reader,r=/);
    expect(summaries[1]).toContain('AUTH 0x18 Continue authentication');
    expect(summaries[2]).toMatch(/Authentication Data “c=biws,r=/);
    expect(summaries[3]).toContain(connack);
    // The AUTH row opens in the decoder with its bytes (0xf0: AUTH).
    expect(await rows.nth(1).locator('a').getAttribute('href')).toMatch(/#hex=f0[0-9a-f]+&v=5$/);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});

describe('the broker lab in Chinese', () => {
  // Islands get only serialisable props: these pages once passed text objects holding functions,
  // which Astro's prop serialisation stripped, and the lab threw "J.choices is not a function".
  const pages: Array<[string, string, string]> = [
    ['/zh-cn/tools/broker-lab/', 'delivered', '会，B 收到了这条消息'],
    ['/zh-cn/embed/broker-lab/', 'delivered', '会，B 收到了这条消息'],
    ['/zh-cn/guides/keepalive/', '15', '15 秒后'],
    ['/zh-cn/guides/retained-messages/', 'last', '“21.5”，也就是那条保留消息'],
    ['/zh-cn/guides/sessions/', 'delivered', '会，B 收到了这条消息'],
    ['/zh-cn/guides/last-will/', 'sent', '会，代理服务器发布了遗嘱'],
    ['/zh-cn/guides/client-ids/', 'refused', '拒绝连接'],
  ];
  it.each(pages)('%s starts the lab with no page error and runs its experiment in Chinese', async (path, prediction, observed) => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`${site.url}${path}`);
    const lab = page.locator('[data-testid="broker-lab"]').first();
    await lab.scrollIntoViewIfNeeded();
    await page.locator('[data-testid="broker-lab"][data-ready="true"]').first().waitFor({ timeout: 20_000 });
    await lab.getByTestId(`predict-${prediction}`).check();
    await lab.getByTestId('run').click();
    await expect.poll(() => lab.getByTestId('observed').textContent().catch(() => ''), { timeout: 20_000 }).toBe(observed);
    expect(await lab.getByTestId('outcome').textContent()).toContain('实验室观察到');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});

/**
 * English left in the Chinese lab: runs of two or more Latin words in the rendered text, after
 * removing what stays in Latin letters on purpose — code, quoted user data, URLs, packet, field,
 * property and reason-code names from the specifications, library and broker names.
 */
const ALLOWED_LATIN = [
  'Assigned Client Identifier', 'Disconnect with Will Message', 'Session taken over', 'Clean Session', 'Clean Start', 'Session Present',
  'Retain As Published', 'Retain Handling', 'No Local', 'queue_qos0_messages false', 'MQTT.js', 'MQTT', 'QoS', 'WebSocket', 'websockets', 'mosquitto',
  'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'CONNECT', 'CONNACK', 'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'DISCONNECT',
  'PINGREQ', 'PINGRESP', 'RETAIN', 'DUP', 'TCP', 'flapping', 'Broker',
];
async function englishInLab(lab: import('playwright-core').Locator): Promise<string[]> {
  const text = await lab.evaluate((root) => {
    const copy = root.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('code, datalist, input, [data-testid="broker-url"]').forEach((el) => el.remove());
    document.body.appendChild(copy);
    const shown = copy.innerText + '\n' + [...root.querySelectorAll('option')].map((o) => o.textContent).join('\n');
    copy.remove();
    return shown;
  });
  let rest = text.replace(/“[^”]*”|"[^"]*"/g, ' ').replace(/\b(?:wss?|https?|mqtts?):\/\/\S+/g, ' ').replace(/0x[0-9a-f]{2} [A-Z][A-Za-z ]*/g, ' ');
  for (const token of [...ALLOWED_LATIN].sort((a, b) => b.length - a.length)) rest = rest.split(token).join(' ');
  return rest.match(/[A-Za-z][A-Za-z'’-]+(?:[ ,]+[A-Za-z][A-Za-z'’-]+)+/g) ?? [];
}

describe('the broker lab in Chinese, word for word', () => {
  it('shows no English sentence: experiment, log, inspector, clock, client cards, a refused link', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${site.url}/zh-cn/tools/broker-lab/#x=will-delay&back=no`);
    const lab = page.locator('[data-testid="broker-lab"]');
    await page.locator('[data-testid="broker-lab"][data-ready="true"]').waitFor({ timeout: 20_000 });
    const seen: string[] = [];
    seen.push(...await englishInLab(lab));
    await lab.getByTestId('predict-sent').check();
    await lab.getByTestId('run').click();
    await expect.poll(() => lab.getByTestId('observed').textContent().catch(() => ''), { timeout: 20_000 }).toBe('会');
    await lab.locator('details').evaluateAll((all) => all.forEach((d) => { (d as HTMLDetailsElement).open = true; }));
    seen.push(...await englishInLab(lab));
    // The other experiments' words, the session experiment with its queue in the inspector.
    for (const [experiment, prediction] of [['session', 'delivered'], ['keepalive', '15'], ['client-id', 'loop'], ['empty-id', 'refused'], ['retained', 'last'], ['downgrade', '0']] as const) {
      await lab.getByTestId('experiment').selectOption(experiment);
      await lab.getByTestId(`predict-${prediction}`).check();
      await lab.getByTestId('run').click();
      await expect.poll(() => lab.getByTestId('outcome').textContent(), { timeout: 20_000 }).toContain('实验室观察到');
      await lab.locator('details').evaluateAll((all) => all.forEach((d) => { (d as HTMLDetailsElement).open = true; }));
      seen.push(...await englishInLab(lab));
    }
    // A link the lab cannot use, and a broker URL it refuses.
    await page.goto(`${site.url}/zh-cn/tools/broker-lab/#x=session&qos=7`);
    await page.reload();
    await page.locator('[data-testid="broker-lab"][data-ready="true"]').waitFor({ timeout: 20_000 });
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('无法使用这个链接');
    await lab.getByTestId('mode-broker').check();
    await lab.getByTestId('broker-url').fill('mqtt://127.0.0.1:1883');
    await lab.getByTestId('use-broker').click();
    await expect.poll(() => lab.getByTestId('url-problem').textContent()).toContain('浏览器只能通过 WebSocket');
    seen.push(...await englishInLab(lab));
    expect([...new Set(seen)]).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});

describe('the broker lab against a real mosquitto over WebSocket', () => {
  let mosquitto: Mosquitto | null = null;

  beforeAll(async () => {
    const install = ensureDebianPackages({ mosquitto: 'mosquitto' });
    if (!install.ok) throw new Error(`mosquitto is needed for this test and could not be installed:\n${install.log.slice(-2000)}`);
    mosquitto = await startMosquitto({ websockets: true });
  });

  afterAll(async () => {
    await mosquitto?.stop();
  });

  async function useBroker(page: Page, url: string): Promise<void> {
    await page.getByTestId('mode-broker').check();
    await page.getByTestId('broker-url').fill(url);
    await page.getByTestId('use-broker').click();
    await page.locator('[data-testid="broker-lab"][data-mode="broker"][data-ready="true"]').waitFor();
    await page.getByTestId('remote-note').waitFor();
  }

  it('connects two clients and shows a message flow with the real bytes', async () => {
    const { page, errors } = await openLab();
    await useBroker(page, `ws://127.0.0.1:${mosquitto!.wsPort}`);
    expect(await page.getByTestId('inspector-unavailable').textContent()).toContain('unavailable');
    await page.getByTestId('connect-A').click();
    await page.getByTestId('connect-B').click();
    await expect.poll(() => page.getByTestId('status-A').textContent(), { timeout: 10_000 }).toContain('online');
    await expect.poll(() => page.getByTestId('status-B').textContent(), { timeout: 10_000 }).toContain('online');
    await page.getByTestId('subscribe-B').click();
    await expect.poll(() => page.getByTestId('client-B').textContent(), { timeout: 10_000 }).toContain('granted 1');
    await page.getByTestId('payload-A').fill('over the wire');
    await page.getByTestId('publish-A').click();
    await expect.poll(() => page.getByTestId('received-B').textContent().catch(() => ''), { timeout: 10_000 }).toContain('“over the wire” QoS 1');

    // The bytes were captured at the clients: A's PUBLISH out, mosquitto's PUBACK, B's copy in.
    await expect.poll(() => logRows(page, '[data-type="PUBACK"][data-label="A"][data-direction="to-client"]').count()).toBe(1);
    const out = logRows(page, '[data-type="PUBLISH"][data-label="A"][data-direction="to-broker"]');
    const inbound = logRows(page, '[data-type="PUBLISH"][data-label="B"][data-direction="to-client"]');
    expect(await out.locator('td').last().textContent()).toContain('"over the wire"');
    const href = await inbound.locator('a').getAttribute('href');
    const hex = /#hex=([0-9a-f]+)/.exec(href ?? '')![1]!;
    // 0x32: PUBLISH, QoS 1; then the topic and the payload, as mosquitto sent them.
    expect(hex.startsWith('32')).toBe(true);
    expect(Buffer.from(hex, 'hex').toString('latin1')).toContain('over the wire');
    const connack = logRows(page, '[data-type="CONNACK"][data-label="A"]');
    expect(await connack.locator('a').getAttribute('href')).toContain('#hex=20020000');
    await expect.poll(() => mosquitto!.log()).toContain('Received PUBLISH from mqttlab-');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says what went wrong when nothing listens at the address', async () => {
    const { page } = await openLab();
    await useBroker(page, `ws://127.0.0.1:${await freePort()}`);
    await page.getByTestId('connect-A').click();
    await expect.poll(() => page.getByTestId('error-A').textContent().catch(() => ''), { timeout: 15_000 }).toContain('Could not open a WebSocket');
    // The error comes with the refusal; 'offline' with the socket's close event, a moment later.
    await expect.poll(() => page.getByTestId('status-A').textContent()).toContain('offline');
    await page.close();
  });

  it('refuses URLs a browser cannot use, before trying', async () => {
    const { page } = await openLab();
    await page.getByTestId('mode-broker').check();
    await page.getByTestId('broker-url').fill('mqtt://test.mosquitto.org:1883');
    await page.getByTestId('use-broker').click();
    expect(await page.getByTestId('url-problem').textContent()).toContain('web pages cannot open');
    expect(await page.locator('[data-testid="broker-lab"]').getAttribute('data-mode')).toBe('browser');
    await page.close();
  });

  it('explains a refused CONNECT (not authorized) and connects once credentials are given', async () => {
    const guarded = await startNodeBroker({ port: null, wsPort: 0, broker: { authenticate: (_id, user, password) => user === 'lab' && new TextDecoder().decode(password) === 'secret' } });
    try {
      const { page } = await openLab();
      await useBroker(page, `ws://127.0.0.1:${guarded.wsPort}/mqtt`);
      await page.getByTestId('connect-A').click();
      await expect.poll(() => page.getByTestId('error-A').textContent().catch(() => ''), { timeout: 10_000 }).toContain('CONNACK 0x04 bad user name or password');
      // The error comes with the refusal; 'offline' with the socket's close event, a moment later.
    await expect.poll(() => page.getByTestId('status-A').textContent()).toContain('offline');
      const card = page.getByTestId('client-A');
      await card.locator('summary').click();
      await card.getByLabel('User name').fill('lab');
      await card.getByLabel('Password').fill('secret');
      await page.getByTestId('connect-A').click();
      await expect.poll(() => page.getByTestId('status-A').textContent(), { timeout: 10_000 }).toContain('online');
      expect(await page.getByTestId('error-A').count()).toBe(0);
      await page.close();
    } finally {
      await guarded.close();
    }
  });

  it('gives up with a clear message when the address never answers', async () => {
    // Accepts TCP connections and says nothing: the WebSocket handshake never completes.
    const sockets = new Set<Socket>();
    const silent = createTcpServer((socket) => { sockets.add(socket); socket.on('error', () => {}); });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { page } = await openLab();
      await useBroker(page, `ws://127.0.0.1:${(silent.address() as { port: number }).port}`);
      await page.getByTestId('connect-A').click();
      await expect.poll(() => page.getByTestId('error-A').textContent().catch(() => ''), { timeout: 15_000 }).toContain('timed out');
      await expect.poll(() => page.getByTestId('status-A').textContent()).toContain('offline');
      await page.close();
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
