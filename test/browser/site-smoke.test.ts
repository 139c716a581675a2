import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations, holdScripts } from '../support/browser.ts';
import { useBuiltSite } from '../support/site.ts';

const site = useBuiltSite();

async function open(path: string): Promise<Page> {
  const page = await site.browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  (page as Page & { errors: string[] }).errors = errors;
  await page.goto(site.url + path, { waitUntil: 'load' });
  return page;
}

async function decode(page: Page, text: string): Promise<void> {
  // The island's own form, not the server's: its first effect sets data-ready.
  await page.waitForSelector('[data-testid="quick-decode"][data-ready="true"]');
  await page.getByTestId('hex-input').fill(text);
  await page.getByRole('button', { name: /^(Decode|解码)$/ }).click();
}

describe('the built site in Chromium', () => {
  it('serves an English home page that says what the site is', async () => {
    const page = await open('/');
    await expect(page.locator('h1').first().textContent()).resolves.toContain('MQTT Lab');
    expect(await page.locator('main').textContent()).toContain('Hex decoder');
    await page.close();
  });

  it('serves a Chinese home page in zh-CN', async () => {
    const page = await open('/zh-cn/');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.locator('h1').first().textContent()).toContain('MQTT 实验室');
    await page.close();
  });

  it('decodes a pasted Wireshark hex dump of a CONNECT field by field', async () => {
    const page = await open('/tools/decode/');
    await page.waitForSelector('[data-testid="hex-input"]');
    await decode(page, [
      '0000   10 1a 00 04 4d 51 54 54 04 02 00 3c 00 0e 6d 6f   ....MQTT...<..mo',
      '0010   73 71 5f 70 75 62 5f 31 32 33 34 35               sq_pub_12345',
    ].join('\n'));
    const output = page.getByTestId('decode-output');
    await expect.poll(() => output.textContent()).toContain('CONNECT — 28 bytes at offset 0');
    const clientId = page.locator('tr[data-path="clientId"]');
    expect(await clientId.textContent()).toContain('"mosq_pub_12345"');
    expect(await page.locator('tr[data-path="connectFlags"]').textContent()).toContain('Clean Session = 1');
    expect(await output.textContent()).toContain('MQTT 3.1.1');
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
    await page.close();
  });

  it('names the rule a malformed packet breaks and the byte where it happens', async () => {
    const page = await open('/tools/decode/');
    await page.waitForSelector('[data-testid="hex-input"]');
    await decode(page, '36 05 00 01 61 00 01');
    const problem = page.getByTestId('decode-problem');
    await expect.poll(() => problem.textContent()).toContain('MQTT-3.3.1-4');
    expect(await problem.textContent()).toContain('@ 0');
    await page.close();
  });

  it('keeps hex pasted before the island hydrates, and decodes it rather than reloading the page', async () => {
    const page = await site.browser.newPage();
    // Hold the island's code back, as a slow phone would: the form is on screen, not yet React's.
    const release = await holdScripts(page, /quick-decode[^/]*\.js$/);
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) navigations.push(frame.url()); });
    await page.goto(site.url + '/tools/decode/', { waitUntil: 'domcontentloaded' });
    await page.getByTestId('hex-input').fill('36 05 00 01 61 00 01');
    const decodeButton = page.getByRole('button', { name: 'Decode', exact: true });
    expect(await decodeButton.isDisabled()).toBe(true);
    release();
    await page.waitForSelector('[data-testid="quick-decode"][data-ready="true"]');
    expect(await page.getByTestId('hex-input').inputValue()).toBe('36 05 00 01 61 00 01');
    await decodeButton.click();
    await expect.poll(() => page.getByTestId('decode-problem').textContent()).toContain('MQTT-3.3.1-4');
    expect(navigations).toEqual([site.url + '/tools/decode/']);
    await page.close();
  });

  it('renders hostile input as text, never as markup', async () => {
    const page = await open('/tools/decode/');
    await page.waitForSelector('[data-testid="hex-input"]');
    // A PUBLISH whose topic is "<img src=x onerror=alert(1)>".
    const topic = Buffer.from('<img src=x onerror=alert(1)>');
    const body = Buffer.concat([Buffer.from([0, topic.length]), topic]);
    const hex = Buffer.concat([Buffer.from([0x30, body.length]), body]).toString('hex');
    let dialog = false;
    page.on('dialog', async (d) => { dialog = true; await d.dismiss(); });
    await decode(page, hex);
    await expect.poll(() => page.locator('tr[data-path="topic"]').textContent()).toContain('<img src=x onerror=alert(1)>');
    expect(await page.locator('[data-testid="decode-output"] img').count()).toBe(0);
    expect(dialog).toBe(false);
    await page.close();
  });

  it('decodes on the Chinese tool page with Chinese labels', async () => {
    const page = await open('/zh-cn/tools/decode/');
    await page.waitForSelector('[data-testid="hex-input"]');
    await decode(page, 'c0 00');
    await expect.poll(() => page.getByTestId('decode-output').textContent()).toContain('PINGREQ');
    expect(await page.locator('.mqtt-quick-decode th').first().textContent()).toBe('偏移');
    await page.close();
  });

  for (const [path, own, other, label] of [['/zh-cn/tools/hex-decoder/', 'zh-cn', 'en', /[\u3400-\u9fff]/], ['/tools/hex-decoder/', 'en', 'zh-cn', /^[^\u3400-\u9fff]+$/]] as const) {
    it(`loads only the page's own widget text (${own}) on ${path}, not the other language's catalogue`, async () => {
      const page = await site.browser.newPage();
      const catalogues: string[] = [];
      page.on('request', (request) => {
        const name = /\/_astro\/(en|zh-cn)[.-][\w-]+\.js$/.exec(request.url());
        if (name !== null) catalogues.push(name[1]!);
      });
      await page.goto(site.url + path, { waitUntil: 'load' });
      await expect.poll(() => page.locator('[data-widget="hex-decoder"]').getAttribute('data-ready'), { timeout: 20_000 }).toBe('true');
      expect(catalogues).toEqual([own]);
      expect(catalogues).not.toContain(other);
      // The widget, hydrated, names itself in the page's language.
      expect(await page.locator('[data-widget="hex-decoder"]').getAttribute('aria-label')).toMatch(label);
      await page.close();
    });
  }

  it('has no axe-core violations on the decoder page', async () => {
    const page = await open('/tools/decode/');
    await page.waitForSelector('[data-testid="hex-input"]');
    const violations = await axeViolations(page, '.mqtt-quick-decode');
    expect(violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`)).toEqual([]);
    await page.close();
  });
});
