/**
 * Embedding for course authors, end to end in Chromium: a course page (test/embed-host/) frames
 * every widget and loads the host helper (public/embed/mqtt-lab-embed.js); each frame must size
 * itself to its content and speak the documented events. Also: the Embed button's snippet on a
 * tool page, and the "For trainers" page's live examples. Waits are for messages, never sleeps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { serveEmbedHost } from '../embed-host/server.ts';

let browser: Browser;
let site: Awaited<ReturnType<typeof serveEmbedHost>>;
beforeAll(async () => {
  site = await serveEmbedHost();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

interface Recorded { frame: string; type: string; detail: Record<string, unknown> }
const FRAMES = ['f-decoder', 'f-builder', 'f-topics', 'f-animator', 'f-lab'];

/** Every island on the page has hydrated (Astro removes `ssr` then), so clicks reach React. */
const hydrated = (page: Page) => page.waitForFunction(() => document.querySelector('astro-island[ssr]') === null, undefined, { timeout: 30_000 });

async function openHost(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${site.url}/embed-host/`);
  return { page, errors };
}

const events = (page: Page) => page.evaluate(() => (window as unknown as { embedEvents: Recorded[] }).embedEvents);

/** Waits until an event matching `where` has arrived, and returns it. */
async function waitForEvent(page: Page, frame: string, type: string, where = '() => true', timeout = 30_000): Promise<Recorded> {
  const handle = await page.waitForFunction(
    ([f, t, w]) => {
      const test = (0, eval)(`(${w})`) as (d: unknown) => boolean;
      return (window as unknown as { embedEvents: Recorded[] }).embedEvents.find((e) => e.frame === f && e.type === t && test(e.detail)) ?? false;
    },
    [frame, type, where] as const,
    { timeout },
  );
  return (await handle.jsonValue()) as Recorded;
}

/** The iframe's height and its document's scrollHeight. */
async function heights(page: Page, frameId: string): Promise<{ frame: number; content: number }> {
  const element = await page.$(`#${frameId}`);
  const frame = await element!.contentFrame();
  const content = await frame!.evaluate(() => document.documentElement.scrollHeight);
  const outer = await element!.evaluate((el) => (el as HTMLIFrameElement).getBoundingClientRect().height);
  return { frame: outer, content };
}

async function expectSized(page: Page, frameId: string): Promise<number> {
  await expect.poll(async () => { const h = await heights(page, frameId); return Math.abs(h.frame - h.content); }, { timeout: 15_000 }).toBeLessThanOrEqual(3);
  return (await heights(page, frameId)).frame;
}

describe('embedding the widgets in a course page', { timeout: 60_000 }, () => {
  it('each widget says ready, first, and its frame takes the height of its content', async () => {
    const { page, errors } = await openHost();
    for (const frame of FRAMES) await waitForEvent(page, frame, 'ready');
    for (const frame of FRAMES) {
      const height = await expectSized(page, frame);
      // Far from the 300 px the page wrote: the frame really was resized to the widget.
      expect(Math.abs(height - 300), frame).toBeGreaterThan(20);
    }
    const all = await events(page);
    for (const frame of FRAMES) {
      const own = all.filter((e) => e.frame === frame && e.type !== 'resize');
      expect(own[0]?.type, frame).toBe('ready');
    }
    expect((await waitForEvent(page, 'f-lab', 'ready')).detail).toEqual({ lang: 'zh-cn' });
    expect((await waitForEvent(page, 'f-decoder', 'ready')).detail).toEqual({ lang: 'en' });
    // The impostor's look-alike messages were dropped: no events, and its frame was not resized.
    expect(all.filter((e) => e.frame === 'f-impostor')).toEqual([]);
    expect(await page.$eval('#f-impostor', (el) => el.getBoundingClientRect().height)).toBeLessThan(200);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the decoder reports the packet from its link, and the frame grows when the content grows', async () => {
    const { page } = await openHost();
    const decoded = await waitForEvent(page, 'f-decoder', 'packet-decoded');
    expect(decoded.detail).toEqual({ count: 1, types: ['PUBLISH'], malformed: 0, incomplete: 0 });
    const before = await expectSized(page, 'f-decoder');
    // A longer stream (a QoS 2 exchange) in the frame's hash: more rows, a taller widget.
    const frame = await (await page.$('#f-decoder'))!.contentFrame();
    await frame!.evaluate(() => { location.hash = '#example=qos2'; });
    const bigger = await waitForEvent(page, 'f-decoder', 'packet-decoded', '(d) => d.count > 1');
    expect(bigger.detail.types).toContain('PUBREL');
    await expect.poll(async () => (await heights(page, 'f-decoder')).frame, { timeout: 15_000 }).toBeGreaterThan(before + 20);
    await expectSized(page, 'f-decoder');
    await page.close();
  });

  it('the animator reports each step', async () => {
    const { page } = await openHost();
    await waitForEvent(page, 'f-animator', 'ready');
    const animator = page.frameLocator('#f-animator');
    await animator.getByTestId('step').click();
    expect((await waitForEvent(page, 'f-animator', 'step-changed', '(d) => d.step === 1')).detail).toEqual({ step: 1, total: 1, done: false });
    await animator.getByTestId('step').click();
    await waitForEvent(page, 'f-animator', 'step-changed', '(d) => d.step === 2');
    await page.close();
  });

  it('the lab reports the finished experiment with the learner’s prediction and the outcome', async () => {
    const { page } = await openHost();
    await waitForEvent(page, 'f-lab', 'ready');
    const lab = page.frameLocator('#f-lab');
    await lab.getByTestId('predict-delivered').check();
    await lab.getByTestId('run').click();
    const finished = await waitForEvent(page, 'f-lab', 'experiment-finished', '() => true', 60_000);
    const d = finished.detail as { experiment: string; params: Record<string, string>; prediction: string; outcome: string; expected: string; correct: boolean };
    expect(d.experiment).toBe('session');
    expect(d.params).toEqual({ version: '3.1.1', session: 'persistent', qos: '1', sub: 'offline' });
    expect(d.prediction).toBe('delivered');
    // A persistent session keeps a QoS 1 message for an offline subscriber (MQTT-3.1.2-5).
    expect(d.outcome).toBe('delivered');
    expect(d.expected).toBe('delivered');
    expect(d.correct).toBe(true);
    expect(await lab.getByTestId('observed').textContent()).not.toBe('');
    await page.close();
  }, 90_000);

  it('posts nothing when the embed page is opened on its own', async () => {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      const seen: unknown[] = [];
      (window as unknown as { seen: unknown[] }).seen = seen;
      window.addEventListener('message', (e) => seen.push(e.data));
    });
    await page.goto(`${site.url}/embed/hex-decoder/#hex=300c0003612f6268656c6c6f2121`);
    await hydrated(page);
    // The link's packet is in the input: it was decoded in the same step (that is when the decoder emits).
    await expect.poll(() => page.locator('textarea').first().inputValue(), { timeout: 15_000 }).toContain('30 0c');
    expect(await page.evaluate(() => (window as unknown as { seen: unknown[] }).seen)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.hasAttribute('data-mqtt-lab-ready'))).toBe(false);
    await page.close();
  });
});

describe('the Embed button on a tool page', { timeout: 60_000 }, () => {
  it('copies an iframe of the current state with the chosen theme, and a link to the same state', async () => {
    const context = await browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.url });
    const page = await context.newPage();
    await page.goto(`${site.url}/zh-cn/tools/qos-animator/`);
    await hydrated(page);
    await page.getByTestId('step').click();
    await expect.poll(() => page.evaluate(() => location.hash), { timeout: 15_000 }).toContain('a=s');
    const hash = await page.evaluate(() => location.hash);
    await page.getByTestId('embed-button').press('Enter');
    await page.getByTestId('embed-theme-dark').check();
    const html = await page.getByTestId('embed-html').inputValue();
    expect(html).toContain(`src="${site.url}/zh-cn/embed/qos-animator/?theme=dark${hash.replace(/&/g, '&amp;')}"`);
    expect(html).toContain('title="MQTT QoS 握手动画"');
    expect(html).toContain('loading="lazy"');
    expect(html).toContain(`<script src="${site.url}/embed/mqtt-lab-embed.js" defer></script>`);
    expect(await page.getByTestId('embed-link').inputValue()).toBe(`${site.url}/zh-cn/tools/qos-animator/${hash}`);
    await page.getByTestId('embed-copy-html').click();
    await expect.poll(() => page.getByTestId('embed-status').textContent()).toBe('HTML 已复制。');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(html);
    // Escape closes the panel and gives focus back to the button.
    await page.getByTestId('embed-html').press('Escape');
    expect(await page.getByTestId('embed-html').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('embed-button');
    await context.close();
  }, 60_000);

  it('without a clipboard, says so and selects the snippet for the reader to copy', async () => {
    const page = await browser.newPage();
    await page.addInitScript(() => { Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined }); });
    await page.goto(`${site.url}/tools/hex-decoder/#hex=300c0003612f6268656c6c6f2121`);
    await hydrated(page);
    await page.getByTestId('embed-button').click();
    await page.getByTestId('embed-copy-html').click();
    await expect.poll(() => page.getByTestId('embed-status').textContent()).toContain('did not let the page copy');
    const selected = await page.evaluate(() => {
      const box = document.activeElement as HTMLTextAreaElement;
      return box.value.slice(box.selectionStart, box.selectionEnd);
    });
    expect(selected).toContain(`<iframe src="${site.url}/embed/hex-decoder/#hex=300c0003612f6268656c6c6f2121"`);
    await page.close();
  }, 60_000);
});

describe('the For trainers page', { timeout: 60_000 }, () => {
  for (const path of ['/tools/embedding/', '/zh-cn/tools/embedding/']) {
    it(`${path} runs its live examples through the helper, within the page's Content-Security-Policy`, async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 5000 } });
      const problems: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(`${site.url}${path}`);
      const log = page.locator('[data-embed-log]');
      await expect.poll(() => log.textContent(), { timeout: 30_000 }).toContain('mqtt-lab:packet-decoded {"count":1,"types":["PUBLISH"]');
      // The animator's own frame, hydrated (the log's 'ready' line may be the decoder's).
      await page.locator('[data-testid="live-embed-animator"][data-mqtt-lab-ready]').waitFor({ timeout: 30_000 });
      const frame = page.frameLocator('[data-testid="live-embed-animator"]');
      await frame.getByTestId('step').click();
      await expect.poll(() => log.textContent()).toContain('mqtt-lab:step-changed {"step":1');
      expect(problems).toEqual([]);
      await page.close();
    });
  }
});
