import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations, holdScripts } from '../support/browser.ts';
import { useBuiltSite } from '../support/site.ts';

const site = useBuiltSite();

type TrackedPage = Page & { errors: string[] };

async function open(path: string, viewport = { width: 1280, height: 900 }): Promise<TrackedPage> {
  const page = (await site.browser.newPage({ viewport })) as TrackedPage;
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error.message));
  await page.goto(site.url + path, { waitUntil: 'load' });
  await page.waitForSelector('[data-testid="hd-input"]');
  // Hydrated once the island's controls respond: the status line is rendered by React.
  // Hydrated: the island marks itself ready in its first effect.
  await page.waitForSelector('[data-testid="hex-decoder"][data-ready="true"]');
  return page;
}

async function paste(page: Page, text: string): Promise<void> {
  await page.getByTestId('hd-input').fill(text);
}

const status = (page: Page) => page.getByTestId('hd-status');

describe('the hex decoder page', () => {
  it('decodes a pasted Wireshark hex dump field by field', async () => {
    const page = await open('/tools/hex-decoder/');
    await paste(page, [
      '0000   10 1a 00 04 4d 51 54 54 04 02 00 3c 00 0e 6d 6f   ....MQTT...<..mo',
      '0010   73 71 5f 70 75 62 5f 31 32 33 34 35               sq_pub_12345',
    ].join('\n'));
    await expect.poll(() => status(page).textContent()).toContain('Decoded 1 packet, 28 bytes, as MQTT 3.1.1.');
    expect(await status(page).textContent()).toContain('Wireshark');
    const tree = page.getByRole('tree', { name: 'Packet fields' });
    expect(await tree.locator('[data-path="clientId"]').textContent()).toContain('"mosq_pub_12345"');
    expect(await tree.locator('[data-path="protocolLevel"]').textContent()).toContain('MQTT 3.1.1');
    // Selecting the connect flags shows them bit by bit.
    await tree.locator('[data-path="connectFlags"]').click();
    const details = page.getByTestId('field-details');
    expect(await details.textContent()).toContain('Clean Session = 1');
    expect(await details.locator('tbody td').allTextContents()).toEqual(['0', '0', '0', '0', '0', '0', '1', '0']);
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('keeps and decodes hex pasted before the island hydrates', async () => {
    const page = (await site.browser.newPage()) as TrackedPage;
    page.errors = [];
    page.on('pageerror', (error) => page.errors.push(error.message));
    // Hold the island's code back, as a slow phone would: the textarea is on screen, not yet React's.
    const release = await holdScripts(page, /hex-decoder[^/]*\.js$/);
    await page.goto(site.url + '/tools/hex-decoder/', { waitUntil: 'domcontentloaded' });
    await paste(page, '36 05 00 01 61 00 01');
    release();
    await page.waitForSelector('[data-testid="hex-decoder"][data-ready="true"]');
    expect(await page.getByTestId('hd-input').inputValue()).toBe('36 05 00 01 61 00 01');
    await expect.poll(() => status(page).textContent()).toContain('Decoded 0 packets as MQTT 3.1.1; 1 malformed.');
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('lights up a field’s bytes when the field is hovered, and selects the field of a hovered byte', async () => {
    const page = await open('/tools/hex-decoder/#example=connect-will');
    await expect.poll(() => status(page).textContent()).toContain('Decoded 1 packet, 73 bytes');
    await page.locator('[role="tree"] [data-path="clientId"]').hover();
    // React renders hover (a continuous event) in a later task than the event: poll, not one read.
    await expect.poll(() => page.locator('.mqtt-pv__byte--hover').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-offset')))))
      .toEqual([12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22]);
    await page.locator('.mqtt-pv__byte[data-offset="9"]').hover();
    await expect.poll(() => page.getByTestId('field-details').locator('h4').textContent()).toBe('Connect flags');
    await page.close();
  });

  it('moves through the bytes with the arrow keys and selects each byte’s field', async () => {
    const page = await open('/tools/hex-decoder/#example=connect-will');
    const grid = page.getByRole('grid', { name: 'Packet bytes' });
    await grid.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    const active = await grid.getAttribute('aria-activedescendant');
    expect(await page.locator(`#${active}`).getAttribute('data-offset')).toBe('2');
    expect(await page.locator(`#${active}`).getAttribute('aria-label')).toContain('Protocol name length');
    await page.keyboard.press('ArrowDown');
    const below = await grid.getAttribute('aria-activedescendant');
    expect(await page.locator(`#${below}`).getAttribute('data-offset')).toBe('18');
    expect(await page.getByTestId('field-details').locator('h4').textContent()).toBe('Client identifier');
    // The grid shows a visible focus ring on the cursor byte.
    const outline = await page.locator(`#${below}`).evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(outline).toBe('solid');
    await page.close();
  });

  it('names the rule a malformed packet breaks, marks its byte, and still shows the packets around it', async () => {
    const page = await open('/tools/hex-decoder/');
    await page.getByTestId('hd-example').selectOption('malformed');
    await expect.poll(() => status(page).textContent()).toContain('1 malformed');
    const rows = page.locator('[role="option"]');
    expect(await rows.count()).toBe(3);
    await rows.nth(1).click();
    const problem = page.getByTestId('hd-problem');
    expect(await problem.textContent()).toContain('MQTT-3.8.1-1');
    expect(await problem.textContent()).toContain('at byte 20');
    expect(await page.locator('.mqtt-pv__byte--error').getAttribute('data-offset')).toBe('20');
    expect(await rows.nth(2).textContent()).toContain('PINGREQ');
    expect(await rows.nth(2).textContent()).toContain('no PINGRESP in the capture');
    await page.close();
  });

  it('says how many bytes an incomplete packet still needs', async () => {
    const page = await open('/tools/hex-decoder/');
    await paste(page, '30 0a 00 03 61 2f 62 68');
    await expect.poll(() => page.getByTestId('hd-incomplete').textContent()).toContain('at least 4 more needed');
    await page.close();
  });

  it('draws the QoS 2 handshake on the client and broker lanes', async () => {
    const page = await open('/tools/hex-decoder/#example=qos2');
    await expect.poll(() => page.locator('[role="option"]').count()).toBe(7);
    const directions = await page.locator('[role="option"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-direction')));
    expect(directions).toEqual(['toBroker', 'toClient', 'toBroker', 'toClient', 'toBroker', 'toClient', 'toBroker']);
    expect(await page.locator('[role="option"]').nth(3).textContent()).toContain('answers #3');
    await page.close();
  });

  it('renders hostile bytes as text, never as markup', async () => {
    const page = await open('/tools/hex-decoder/');
    let dialog = false;
    page.on('dialog', async (d) => { dialog = true; await d.dismiss(); });
    const topic = Buffer.from('<img src=x onerror=alert(1)>');
    const body = Buffer.concat([Buffer.from([0, topic.length]), topic, Buffer.from('<script>alert(2)</script>')]);
    await paste(page, Buffer.concat([Buffer.from([0x30, body.length]), body]).toString('hex'));
    await expect.poll(() => page.locator('[role="tree"] [data-path="topic"]').textContent()).toContain('<img src=x onerror=alert(1)>');
    expect(await page.getByTestId('payload-text').textContent()).toBe('<script>alert(2)</script>');
    expect(await page.locator('[data-testid="hex-decoder"] img, [data-testid="hex-decoder"] script').count()).toBe(0);
    expect(dialog).toBe(false);
    await page.close();
  });

  it('stays responsive while it decodes 5 MB in the background, and says it truncated the list', async () => {
    const page = await open('/tools/hex-decoder/');
    // 5 MB of pasted hex: 14-byte PUBLISH packets, spaced as Wireshark's "copy as hex" would.
    const length = await page.evaluate(() => {
      const packet = '30 0c 00 05 74 2f 31 32 33 68 65 6c 6c 6f\n';
      const text = packet.repeat(Math.ceil(5_000_000 / packet.length));
      const area = document.querySelector<HTMLTextAreaElement>('[data-testid="hd-input"]')!;
      area.value = text;
      area.dispatchEvent(new Event('input', { bubbles: true }));
      return text.length;
    });
    expect(length).toBeGreaterThan(5_000_000);
    // Chromium first lays out 119,048 lines in the textarea: that is the browser's own work, seconds
    // on a loaded 2-core machine, and it comes before our debounce fires. The check that matters is
    // the one below: once the worker has the text, the page keeps answering.
    await expect.poll(() => status(page).textContent(), { timeout: 30_000 }).toContain('in the background');
    // While the worker decodes, the page keeps answering.
    const delays: number[] = [];
    while ((await status(page).textContent())!.includes('in the background')) {
      const started = Date.now();
      await page.evaluate(() => 1);
      delays.push(Date.now() - started);
      await page.waitForTimeout(50);
    }
    expect(delays.length).toBeGreaterThan(0);
    // Decoding 5 MB on the main thread blocks it for seconds; the worker keeps every answer well under one.
    expect(Math.max(...delays)).toBeLessThan(1000);
    await expect.poll(() => page.getByTestId('hd-truncated').textContent(), { timeout: 30_000 }).toContain('Showing the first 10,000 of 119,048 packets');
    // Only the rows in view are in the DOM.
    expect(await page.locator('[role="option"]').count()).toBeLessThan(40);
    const started = Date.now();
    await page.getByTestId('hd-sequence').focus();
    await page.keyboard.press('End');
    await expect.poll(() => page.getByTestId('hd-detail').getAttribute('aria-label')).toContain('#10000 PUBLISH');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('shares the bytes in the link and reads them back', async () => {
    const page = await open('/tools/hex-decoder/');
    await paste(page, 'c0 00 d0 00');
    await page.getByTestId('hd-version').selectOption('5.0');
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#hex=c000d000&v=5.0');
    await page.locator('[role="option"]').nth(1).click();
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#hex=c000d000&v=5.0&p=2');
    const copy = await open(`/tools/hex-decoder/#hex=c000d000&v=5.0&p=2`);
    await expect.poll(() => copy.getByTestId('hd-detail').getAttribute('aria-label')).toContain('#2 PINGRESP');
    expect(await copy.getByTestId('hd-version').inputValue()).toBe('5.0');
    await page.close();
    await copy.close();
  });

  it('explains a tampered link instead of crashing', async () => {
    const page = await open('/tools/hex-decoder/#hex=zz%3Cb%3E&v=9&p=x&hack=1');
    const problem = page.getByTestId('hd-link-problem');
    await expect.poll(() => problem.textContent()).toContain('not hex');
    expect(await problem.textContent()).toContain('“9”');
    expect(await problem.locator('b').count()).toBe(0);
    expect(page.errors).toEqual([]);
    const far = await open('/tools/hex-decoder/#hex=c000&p=99');
    await expect.poll(() => far.getByTestId('hd-link-problem').textContent()).toContain('“99”');
    expect(far.errors).toEqual([]);
    await page.close();
    await far.close();
  });

  it('opens a decoded packet in the builder with the same bytes', async () => {
    const page = await open('/tools/hex-decoder/#example=session-v5');
    await page.locator('[role="option"]').nth(4).click();
    await page.getByTestId('hd-open-builder').click();
    await page.waitForURL(/packet-builder/);
    await expect.poll(() => page.getByTestId('pb-hex').textContent()).toBe(
      '33 26 00 1b 73 65 6e 73 6f 72 73 2f 6b 69 74 63 68 65 6e 2f 74 65 6d 70 65 72 61 74 75 72 65 00 01 02 0b 07 32 31 2e 35');
    await page.close();
  });

  it('has no axe-core violations, with a malformed packet selected, in light and dark', async () => {
    for (const theme of ['dark', 'light']) {
      const page = await open('/tools/hex-decoder/#example=malformed');
      await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
      await page.locator('[role="option"]').nth(1).click();
      const violations = await axeViolations(page, '[data-testid="hex-decoder"]');
      expect(violations.map((v) => `${theme} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`)).toEqual([]);
      await page.close();
    }
  });

  it('fits a phone: nothing overflows the page at 375 pixels', async () => {
    const page = await open('/tools/hex-decoder/#example=session-v5', { width: 375, height: 800 });
    // The grid measures its width after layout and switches to 8 bytes a row.
    await expect.poll(() => page.locator('.mqtt-pv__grid').getAttribute('data-bytes-per-row')).toBe('8');
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.close();
  });

  it('labels the hex grid rows with hex offsets: 0000, 0010, 0020', async () => {
    const page = await open('/tools/hex-decoder/#example=connect-will');
    await expect.poll(() => page.locator('.mqtt-pv__offset').allTextContents()).toEqual(['0000', '0010', '0020', '0030', '0040']);
    await page.close();
  });

  it('decodes a 5.0 CONNECT whose remaining length is 3 too large, and says so', async () => {
    const page = await open('/tools/hex-decoder/');
    // Remaining length 0x1f where the 28 bytes after the fixed header are the whole CONNECT (0x1c).
    await paste(page, '10 1f 00 04 4d 51 54 54 05 02 00 3c 00 00 0f 63 6c 69 65 6e 74 2d 30 30 30 30 30 30 30 31');
    await expect.poll(() => page.getByTestId('hd-too-large').textContent()).toContain('Or the remaining length is 3 bytes too large');
    expect(await page.getByTestId('hd-incomplete').textContent()).toContain('at least 3 more needed');
    expect(await page.getByRole('tree').locator('[data-path="clientId"]').textContent()).toContain('"client-00000001"');
    await page.close();
  });

  it('says what unreadable text is once, not twice', async () => {
    const page = await open('/tools/hex-decoder/');
    await paste(page, 'zz not hex at all');
    await expect.poll(() => page.getByTestId('hd-input-error').count()).toBe(1);
    const reason = (await page.getByTestId('hd-input-error').locator('p').nth(1).textContent())!;
    expect(reason.length).toBeGreaterThan(5);
    const whole = (await page.getByTestId('hex-decoder').textContent())!;
    expect(whole.split(reason).length - 1).toBe(1);
    await page.close();
  });

  it('shows the result without scrolling in a 600×500 embed', async () => {
    for (const path of ['/embed/hex-decoder/#example=qos2', '/zh-cn/embed/hex-decoder/#example=qos2']) {
      const page = await open(path, { width: 600, height: 500 });
      await expect.poll(() => page.locator('.mqtt-hd__seq-row').count()).toBeGreaterThan(0);
      const bottom = async (selector: string) => page.locator(selector).first().evaluate((el) => el.getBoundingClientRect().bottom);
      expect(await bottom('[data-testid="hd-status"]')).toBeLessThanOrEqual(500);
      expect(await bottom('.mqtt-hd__seq-row')).toBeLessThanOrEqual(500);
      await page.close();
    }
  });

  it('speaks Chinese on the Chinese page and in the Chinese embed', async () => {
    for (const path of ['/zh-cn/tools/hex-decoder/', '/zh-cn/embed/hex-decoder/']) {
      const page = await open(`${path}#example=qos2`);
      await expect.poll(() => status(page).textContent()).toContain('按 MQTT 3.1.1 解码出 7 个报文');
      expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
      expect(await page.locator('.mqtt-hd__lanes').textContent()).toContain('客户端');
      expect(await page.getByTestId('hd-open-builder').getAttribute('href')).toMatch(/^\/zh-cn\/tools\/packet-builder\/#/);
      await page.close();
    }
  });

  it('serves a bare English embed page with only the widget', async () => {
    const page = await open('/embed/hex-decoder/?theme=light');
    expect(await page.locator('html').getAttribute('data-theme')).toBe('light');
    expect(await page.locator('nav, .sidebar-pane').count()).toBe(0);
    const violations = await axeViolations(page);
    expect(violations.map((v) => v.id)).toEqual([]);
    await page.close();
  });
});
