import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations } from '../support/browser.ts';
import { useBuiltSite } from '../support/site.ts';

const site = useBuiltSite();

type TrackedPage = Page & { errors: string[]; scripts: string[] };

async function open(path: string, viewport = { width: 1280, height: 900 }): Promise<TrackedPage> {
  const page = (await site.browser.newPage({ viewport })) as TrackedPage;
  page.errors = [];
  page.scripts = [];
  page.on('pageerror', (error) => page.errors.push(error.message));
  page.on('request', (request) => page.scripts.push(new URL(request.url()).pathname));
  await page.goto(site.url + path, { waitUntil: 'load' });
  await page.waitForSelector('[data-testid="packet-builder"]');
  // Hydrated: the island marks itself ready in its first effect.
  await page.waitForSelector('[data-testid="packet-builder"][data-ready="true"]');
  return page;
}

const hex = (page: Page) => page.getByTestId('pb-hex').textContent();
const field = (page: Page, name: string) => page.locator(`[data-field="${name}"]`);

describe('the packet builder page', () => {
  it('builds a 3.1.1 PUBLISH from the form and shows its bytes', async () => {
    const page = await open('/tools/packet-builder/');
    await page.getByTestId('pb-version').selectOption('3.1.1');
    await page.getByTestId('pb-type').selectOption('PUBLISH');
    await field(page, 'topic').fill('a/b');
    await field(page, 'qos').selectOption('1');
    await field(page, 'packetId').fill('10');
    await field(page, 'payload').fill('hi');
    await field(page, 'retain').check();
    await expect.poll(() => hex(page)).toBe('33 09 00 03 61 2f 62 00 0a 68 69');
    expect(await page.getByTestId('pb-status').textContent()).toBe('A valid PUBLISH: 11 bytes.');
    // The field tree is in sync: the topic's bytes light up when its field is hovered.
    await page.locator('[role="tree"] [data-path="topic"]').hover();
    // React renders hover (a continuous event) in a later task than the event: poll, not one read.
    await expect.poll(() => page.locator('.mqtt-pv__byte--hover').evaluateAll((cells) => cells.map((c) => c.textContent).join(' '))).toBe('00 03 61 2f 62');
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('adds a 5.0 property and a user property and shows them in the bytes', async () => {
    const page = await open('/tools/packet-builder/');
    await page.getByTestId('pb-add-properties').selectOption('messageExpiryInterval');
    await page.getByTestId('pb-add-properties').selectOption('userProperties');
    await expect.poll(() => page.locator('[role="tree"]').textContent()).toContain('Message Expiry Interval');
    expect(await page.locator('[role="tree"]').textContent()).toContain('User Property');
    expect(await hex(page)).toContain('02 00 00 0e 10');
    await page.close();
  });

  it('shows an error in the field, with its rule, and no bytes', async () => {
    const page = await open('/tools/packet-builder/');
    await field(page, 'topic').fill('sensors/#');
    const topic = field(page, 'topic');
    await expect.poll(() => topic.getAttribute('aria-invalid')).toBe('true');
    const described = await topic.getAttribute('aria-describedby');
    expect(await page.locator(`#${described}`).textContent()).toContain('MQTT-3.3.2-2');
    expect(await page.getByTestId('pb-hex').count()).toBe(0);
    expect(await page.getByTestId('pb-status').textContent()).toContain('No bytes');
    await page.close();
  });

  it('toggles PUBLISH flag bits into the form, and shows the rule a forbidden bit breaks instead of bytes', async () => {
    const page = await open('/tools/packet-builder/');
    const bits = page.getByTestId('pb-header-bits');
    // Default QoS 1: bits 2–1 are 01. Setting bit 2 too asks for QoS 3.
    await bits.locator('[data-bit="2"]').click();
    const tampered = page.getByTestId('pb-tampered');
    await expect.poll(() => tampered.textContent()).toContain('MQTT-3.3.1-4');
    expect(await page.getByTestId('pb-hex').count()).toBe(0);
    await bits.locator('[data-bit="1"]').click();
    await expect.poll(() => field(page, 'qos').inputValue()).toBe('2');
    expect((await hex(page))!.startsWith('34 ')).toBe(true);
    await page.getByTestId('pb-type').selectOption('SUBSCRIBE');
    await bits.locator('[data-bit="1"]').click();
    await expect.poll(() => tampered.textContent()).toContain('MQTT-3.8.1-1');
    await tampered.getByRole('button').click();
    await expect.poll(() => hex(page)).toMatch(/^82 /);
    await page.close();
  });

  it('walks the remaining length across the 127/128 and 16 383/16 384 boundaries', async () => {
    const page = await open('/tools/packet-builder/');
    const rl = page.getByTestId('pb-remaining-length');
    await rl.locator('[data-target="127"]').click();
    await expect.poll(() => rl.locator('h3').textContent()).toBe('Remaining length: 127 → 1 byte');
    await rl.locator('[data-target="128"]').click();
    await expect.poll(() => rl.locator('h3').textContent()).toBe('Remaining length: 128 → 2 bytes');
    expect((await hex(page))!.startsWith('32 80 01 ')).toBe(true);
    expect(await rl.locator('tbody tr').count()).toBe(2);
    await rl.locator('[data-target="16384"]').click();
    await expect.poll(() => rl.locator('h3').textContent()).toBe('Remaining length: 16,384 → 3 bytes');
    expect((await hex(page))!.startsWith('32 80 80 01 ')).toBe(true);
    await rl.locator('[data-target="2097152"]').click();
    await expect.poll(() => rl.locator('h3').textContent(), { timeout: 10_000 }).toBe('Remaining length: 2,097,152 → 4 bytes');
    // A 2 MB packet: the grid still draws only the rows in view.
    expect(await page.locator('.mqtt-pv__row').count()).toBeLessThan(60);
    await page.close();
  });

  it('loads Shiki only when the copy panel opens, without WebAssembly', async () => {
    const page = await open('/tools/packet-builder/');
    await page.waitForLoadState('networkidle');
    const shiki = /^\/_astro\/(core|engine-javascript|github-light-high-contrast|github-dark-high-contrast|javascript|python|shellscript|highlight)\.[\w-]+\.js$/;
    const before = page.scripts.filter((s) => shiki.test(s));
    expect(before).toEqual([]);
    await page.getByTestId('pb-copy').locator('summary').click();
    await page.getByTestId('pb-copy').locator('[data-target="mqttjs"]').click();
    await expect.poll(() => page.locator('[data-testid="pb-code"] .shiki, [data-testid="pb-code"].shiki, .mqtt-pb__shiki .shiki').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('pb-code').textContent()).toContain("client.publish(\"sensors/kitchen/temperature\"");
    expect(page.scripts.filter((s) => shiki.test(s)).map((s) => s.split('/').pop()!.split('.')[0]).sort()).toEqual(['core', 'engine-javascript', 'github-dark-high-contrast', 'github-light-high-contrast', 'highlight', 'javascript']);
    expect(page.scripts.some((s) => s.endsWith('.wasm'))).toBe(false);
    await page.getByTestId('pb-copy').locator('[data-target="python"]').click();
    await expect.poll(() => page.locator('.mqtt-pb__shiki').getAttribute('data-lang'), { timeout: 15_000 }).toBe('python');
    await page.close();
  });

  it('escapes a hostile topic in the generated shell command and never renders it as markup', async () => {
    const page = await open('/tools/packet-builder/');
    await field(page, 'topic').fill(`it's <b>bold</b> $(reboot)`);
    await page.getByTestId('pb-copy').locator('summary').click();
    await page.getByTestId('pb-copy').locator('[data-target="mosquitto"]').click();
    await expect.poll(() => page.getByTestId('pb-code').textContent(), { timeout: 15_000 }).toContain(`-t 'it'\\''s <b>bold</b> $(reboot)'`);
    // The highlighted (Shiki) HTML replaces the plain preview later; check that, not the preview.
    await page.locator('.mqtt-pb__shiki').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="packet-builder"] b').count()).toBe(0);
    await page.close();
  });

  it('keeps the packet in the URL and rebuilds it from there', async () => {
    const page = await open('/tools/packet-builder/');
    await field(page, 'topic').fill('from/the/url');
    await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/^#s=/);
    const url = page.url();
    const bytes = await hex(page);
    const again = await open(url.slice(url.indexOf('/tools/')));
    await expect.poll(() => hex(again)).toBe(bytes);
    expect(await field(again, 'topic').inputValue()).toBe('from/the/url');
    await page.close();
    await again.close();
  });

  it('explains a tampered link and starts from the defaults', async () => {
    const page = await open('/tools/packet-builder/#s=eyJ2Ijo1LCJ0IjoiUFVCTElTSCIsInFvcyI6OX0');
    await expect.poll(() => page.getByTestId('pb-link-problem').textContent()).toContain('“qos” is not valid');
    expect(await hex(page)).toBeTruthy();
    const garbage = await open('/tools/packet-builder/#s=%%%<script>');
    await expect.poll(() => garbage.getByTestId('pb-link-problem').textContent()).toContain('could not be read');
    expect(page.errors).toEqual([]);
    expect(garbage.errors).toEqual([]);
    await page.close();
    await garbage.close();
  });

  it('compares the same intent in 3.1.1 and 5.0', async () => {
    const page = await open('/tools/packet-builder/');
    const panel = page.getByTestId('pb-compare');
    await panel.getByRole('combobox').selectOption('alias');
    await expect.poll(() => panel.getByTestId('pb-compare-v4').locator('h4').textContent()).toContain('126 bytes');
    expect(await panel.getByTestId('pb-compare-v5').locator('h4').textContent()).toContain('70 bytes');
    expect(await panel.textContent()).toContain('30 bytes shorter');
    await page.close();
  });

  it('has no axe-core violations with an error, a tampered header and the code panel open, in light and dark', async () => {
    for (const theme of ['dark', 'light']) {
      const page = await open('/tools/packet-builder/');
      await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
      // The copy panel exists only while there are bytes.
      if (await page.getByTestId('pb-copy').count() > 0) await page.getByTestId('pb-copy').locator('summary').click();
      await page.getByTestId('pb-copy').locator('[data-target="mqttjs"]').click();
      await page.locator('.mqtt-pb__shiki').waitFor({ timeout: 15_000 });
      let violations = await axeViolations(page, '[data-testid="packet-builder"]');
      expect(violations.map((v) => `${theme} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`)).toEqual([]);
      await page.getByTestId('pb-header-bits').locator('[data-bit="3"]').click();
      await page.getByTestId('pb-type').selectOption('CONNECT');
      await field(page, 'keepAlive').fill('-1');
      violations = await axeViolations(page, '[data-testid="packet-builder"]');
      expect(violations.map((v) => `${theme} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`)).toEqual([]);
      await page.close();
    }
  }, 120_000);

  it('names the four packet parts beside the coloured bytes, in the page’s language, each swatch in its own colour', async () => {
    for (const [path, names] of [
      ['/tools/packet-builder/', ['Fixed header', 'Variable header', 'Properties', 'Payload']],
      ['/zh-cn/tools/packet-builder/', ['固定报头', '可变报头', '属性', '有效载荷']],
    ] as const) {
      const page = await open(path);
      const legend = page.getByTestId('packet-builder').getByTestId('packet-part-legend');
      expect(await legend.locator('li').allInnerTexts()).toEqual(names);
      const swatches = await legend.locator('.mqtt-part-legend__swatch').evaluateAll((els) => els.map((el) => getComputedStyle(el).backgroundColor));
      expect(new Set(swatches).size, swatches.join(', ')).toBe(4);
      // The byte grid paints its bytes in the same four part colours the legend names.
      const byteTints = await page.locator('.mqtt-pv__byte--fixed, .mqtt-pv__byte--variable, .mqtt-pv__byte--payload').evaluateAll((els) => new Set(els.map((el) => el.className.match(/mqtt-pv__byte--(fixed|variable|payload)/)![1])).size);
      expect(byteTints).toBe(3);
      expect(await axeViolations(page, '[data-testid="packet-part-legend"]')).toEqual([]);
      await page.close();
    }
  }, 60_000);

  it('fits a phone: nothing overflows the page at 375 pixels', async () => {
    const page = await open('/tools/packet-builder/', { width: 375, height: 800 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.close();
  });

  it('speaks Chinese on the Chinese page and in the Chinese embed', async () => {
    for (const path of ['/zh-cn/tools/packet-builder/', '/zh-cn/embed/packet-builder/']) {
      const page = await open(path);
      await expect.poll(() => page.getByTestId('pb-status').textContent(), { timeout: 15_000 }).toContain('有效的 PUBLISH');
      expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
      await page.close();
    }
  }, 120_000);

  it('shows no English sentence in its own text on the Chinese page: form, status, errors, header bits, remaining length, comparison', async () => {
    // Latin that stays: packet, field and protocol names, rule ids, code names, numbers in hex. The codec's
    // field labels (the tree, the 3.1.1/5.0 field list) and reason-code names are the codec's text, not checked here.
    const kept = /MQTT-5\.0 §[\d.]+|MQTT-[\d.]+-\d+|MQTT\.js|MQTT|UTF-8|QoS|DUP|RETAIN|SCRAM|Clean Session|Clean Start|Session Present|No Local|Retain As Published|Retain Handling|mosquitto_pub|Python|paho-mqtt|\b(CONNECT|CONNACK|PUBLISH|PUBACK|PUBREC|PUBREL|PUBCOMP|SUBSCRIBE|SUBACK|UNSUBSCRIBE|UNSUBACK|PINGREQ|PINGRESP|DISCONNECT|AUTH)\b|0x[0-9a-f]+|\bC\b/g;
    const english = (page: Page) => page.getByTestId('packet-builder').evaluate((root, keptSource) => {
      const clone = root.cloneNode(true) as HTMLElement;
      for (const el of clone.querySelectorAll('code, input, textarea, select, pre, [role="tree"], .mqtt-pb__diff, .mqtt-pv')) el.remove();
      const labels = [...root.querySelectorAll('[aria-label]')].filter((el) => !el.closest('.mqtt-pv, .mqtt-pb__diff')).map((el) => el.getAttribute('aria-label') ?? '');
      return [clone.innerText, ...labels].join('\n').replace(/[“"][^”"]*[”"]/g, '').replace(new RegExp(keptSource, 'g'), ' ').match(/[A-Za-z]{2,}/g) ?? [];
    }, kept.source);
    const link = (state: object) => `#s=${Buffer.from(JSON.stringify(state)).toString('base64url')}`;

    const cases: Array<[string, (page: Page) => Promise<unknown>]> = [
      ['', () => Promise.resolve()],
      // A builder error: keep alive out of range, with the field's message and the status line.
      [link({ v: 5, t: 'CONNECT', keepAlive: '70000', willOn: true }), async (page) => {
        await expect.poll(() => page.getByTestId('pb-status').textContent(), { timeout: 15_000 }).toContain('1 个问题');
        expect(await page.locator('[data-error-for="keepAlive"]').textContent()).toContain('请输入 0 到 65,535 之间的整数');
      }],
      // Hex payload with a bad digit, and the payload choices.
      [link({ v: 4, t: 'PUBLISH', payloadMode: 'hex', payloadHex: '12 3g' }), async (page) => {
        await expect.poll(() => page.locator('[data-error-for="payload"]').textContent(), { timeout: 15_000 }).toContain('十六进制');
      }],
      // A SUBSCRIBE with 5.0 options and properties, and an UNSUBACK list.
      [link({ v: 5, t: 'SUBSCRIBE' }), async (page) => {
        await expect.poll(() => page.getByTestId('pb-status').textContent(), { timeout: 15_000 }).toContain('有效的 SUBSCRIBE');
      }],
    ];
    for (const [hash, check] of cases) {
      const page = await open(`/zh-cn/tools/packet-builder/${hash}`);
      await check(page);
      // The copy panel exists only while there are bytes.
      if (await page.getByTestId('pb-copy').count() > 0) await page.getByTestId('pb-copy').locator('summary').click();
      expect(await english(page), hash).toEqual([]);
      expect(page.errors).toEqual([]);
      await page.close();
    }

    // The payload choices no longer repeat the field's label.
    const page = await open('/zh-cn/tools/packet-builder/');
    const group = page.getByRole('radiogroup');
    const choices = await group.locator('label').allTextContents();
    expect(choices.map((c) => c.trim())).toEqual(['文本', '十六进制字节', 'N 个字节的 “x”']);
    expect(await page.getByLabel('有效载荷文本（按 UTF-8 发送）').count()).toBe(1);
    await page.close();

    // The check finds English where there is some.
    const en = await open('/tools/packet-builder/');
    expect((await english(en)).length).toBeGreaterThan(20);
    await en.close();
  }, 180_000);
});
