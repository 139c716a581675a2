/**
 * Hostile input, as an attacker or a careless paste would bring it: HTML with event handlers,
 * `javascript:` URLs and megabyte strings, typed into every text input of every widget and put
 * into every widget's URL state. Nothing may run (no handler attribute reaches the DOM, no
 * `javascript:` link appears, a canary global stays unset, no dialog opens), the page must not
 * throw, and it must still answer within a second afterwards.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBuiltSite } from '../support/site.ts';

const site = useBuiltSite();

const CANARY = 'window.__pwned=1';
const PAYLOADS = [
  `<img src=x onerror="${CANARY}">`,
  `"><svg onload="${CANARY}"><script>${CANARY}</script>`,
  `javascript:${CANARY}`,
  `\u202e<iframe src="javascript:${CANARY}"></iframe>`,
];
const MEGABYTE = `<b onmouseover="${CANARY}">` + 'A'.repeat(1024 * 1024);

const WIDGET_PAGES = ['/tools/hex-decoder/', '/tools/decode/', '/tools/packet-builder/', '/tools/topic-playground/', '/tools/qos-animator/', '/tools/broker-lab/', '/zh-cn/tools/packet-builder/', '/embed/hex-decoder/', '/embed/topic-playground/'];
/** Pages whose widgets take typed text (the QoS animator has only buttons; embeds share the tools' inputs). */
const TYPING_PAGES = WIDGET_PAGES.filter((p) => !p.includes('qos-animator') && !p.startsWith('/embed/'));

/** Every parameter name the widgets' share links use, each given a hostile value. */
const PARAMETERS = ['hex', 'example', 'v', 'p', 's', 'f', 't', 'n', 'filters', 'topics', 'session', 'ack', 'a', 'at', 'x', 'mode', 'url', 'qos'];

function base64Url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const HASHES = [
  `#${encodeURIComponent(PAYLOADS[0]!)}`,
  '#' + PARAMETERS.map((p, i) => `${p}=${encodeURIComponent(PAYLOADS[i % PAYLOADS.length]!)}`).join('&'),
  `#url=${encodeURIComponent(`javascript:${CANARY}`)}&mode=broker`,
  `#s=${base64Url(JSON.stringify({ v: 5, t: 'PUBLISH', topic: PAYLOADS[0], payloadText: PAYLOADS[1], clientId: PAYLOADS[2] }))}`,
  `#hex=${'41'.repeat(512 * 1024)}`,
  `#s=${'A'.repeat(1024 * 1024)}`,
];

interface Watch { errors: string[]; dialogs: string[] }

async function open(path: string): Promise<{ page: Page; watch: Watch }> {
  const page = await site.browser.newPage();
  const watch: Watch = { errors: [], dialogs: [] };
  page.on('pageerror', (error) => watch.errors.push(error.message));
  page.on('dialog', (dialog) => {
    watch.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  // The page's own longest task, from the Long Tasks API: what a reader feels as a freeze.
  await page.addInitScript(() => {
    const w = window as unknown as { __longestTask: number };
    w.__longestTask = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__longestTask = Math.max(w.__longestTask, entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(site.url + path, { waitUntil: 'networkidle' });
  return { page, watch };
}

async function assertNothingRan(page: Page, watch: Watch, where: string): Promise<void> {
  const started = Date.now();
  const state = await page.evaluate(() => ({
    longestTask: (window as unknown as { __longestTask: number }).__longestTask,
    pwned: (window as unknown as { __pwned?: number }).__pwned,
    handlers: document.querySelectorAll('[onerror],[onload],[onmouseover],[onclick]').length,
    javascriptLinks: [...document.querySelectorAll('a[href],iframe[src]')].filter((e) => /^\s*javascript:/i.test(e.getAttribute('href') ?? e.getAttribute('src') ?? '')).length,
  }));
  // No task of the page blocked it for a second. The round trip is bounded more loosely: with a
  // 1 MB URL, Chromium itself (not the page) has stalled a DevTools call for over a second while
  // the page's longest task was under 300 ms; a page that really froze still fails here.
  expect(state.longestTask, `${where}: no task of the page blocks it for a second`).toBeLessThan(1000);
  expect(Date.now() - started, `${where}: the page answers within three seconds`).toBeLessThan(3000);
  expect(state.pwned, `${where}: injected code ran`).toBeUndefined();
  expect(state.handlers, `${where}: an event-handler attribute reached the DOM`).toBe(0);
  expect(state.javascriptLinks, `${where}: a javascript: link reached the DOM`).toBe(0);
  expect(watch.dialogs, where).toEqual([]);
  expect(watch.errors, where).toEqual([]);
}

describe('hostile input in every widget', () => {
  for (const path of TYPING_PAGES) {
    it(`renders hostile text typed into ${path} as text and stays responsive`, async () => {
      const { page, watch } = await open(path);
      const fields = page.locator('main input:not([type=checkbox]):not([type=radio]):not([type=range]):not([type=file]):not([type=number]):not([type=color]):not([disabled]), main textarea:not([disabled])');
      const count = Math.min(await fields.count(), 10);
      expect(count, `${path} has text inputs`).toBeGreaterThan(0);
      for (let i = 0; i < count; i++) {
        const field = fields.nth(i);
        if (!(await field.isVisible()) || !(await field.isEditable())) continue;
        for (const payload of PAYLOADS) {
          await field.fill(payload);
          await field.press('Enter').catch(() => undefined);
        }
        await field.fill(MEGABYTE);
        await assertNothingRan(page, watch, `${path} input #${i}`);
        await field.fill('');
      }
      await page.close();
    }, 180_000);
  }

  for (const path of WIDGET_PAGES) {
    it(`refuses hostile URL state on ${path} without running it`, async () => {
      for (const hash of HASHES) {
        const { page, watch } = await open(path + hash);
        await assertNothingRan(page, watch, `${path}${hash.slice(0, 40)}`);
        // The widget is still there and usable: it answers a click on its first button.
        const button = page.locator('main button:visible').first();
        if ((await button.count()) > 0) await button.click({ timeout: 5000 }).catch(() => undefined);
        await assertNothingRan(page, watch, `${path}${hash.slice(0, 40)} after a click`);
        await page.close();
      }
    }, 180_000);
  }
});
