import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations } from '../support/browser.ts';
import { useBuiltSite } from '../support/site.ts';

const site = useBuiltSite();

async function openAnimator(hash = '', reducedMotion: 'reduce' | 'no-preference' = 'no-preference', options: { path?: string; width?: number; height?: number } = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await site.browser.newPage({ reducedMotion, viewport: { width: options.width ?? 1280, height: options.height ?? 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${site.url}${options.path ?? '/tools/qos-animator/'}${hash}`);
  await page.getByTestId('step').waitFor();
  // The island hydrates after load, its parts after its root: wait until every part does something
  // (data-ready), or until a #replay= link has swapped in the replay view (which hydrates whole).
  await page.waitForFunction(() => {
    const root = document.querySelector('[data-testid="qos-animator"]');
    return root !== null && (root.getAttribute('data-ready') === 'true' || root.getAttribute('data-mode') === 'replay');
  }, undefined, { timeout: 20_000 });
  return { page, errors };
}

const text = (page: Page, id: string) => page.getByTestId(id).textContent();

/**
 * English left in a Chinese widget: runs of two or more Latin words, after removing what stays
 * in Latin letters on purpose (packet and field names, spec terms, values the reader typed).
 */
const ALLOWED_LATIN = [
  'No matching subscribers', 'Not authorized', 'Clean Session', 'Clean Start', 'Session Present', 'Retain As Published', 'Retain Handling',
  'No Local', 'Disconnect with Will Message', 'Normal disconnection', 'door/front/unlock', 'MQTT', 'QoS', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL',
  'PUBCOMP', 'CONNECT', 'CONNACK', 'SUBSCRIBE', 'SUBACK', 'DISCONNECT', 'PINGREQ', 'PINGRESP', 'DUP', 'RETAIN', 'Home', 'Space', 'mosquitto', 'MQTT.js',
];
function englishIn(text: string, extra: string[] = []): string[] {
  let rest = text;
  for (const token of [...extra, ...ALLOWED_LATIN].sort((a, b) => b.length - a.length)) rest = rest.split(token).join(' ');
  return rest.match(/[A-Za-z][A-Za-z'’-]+(?:[ ,]+[A-Za-z][A-Za-z'’-]+)+/g) ?? [];
}

describe('the QoS animator in Chromium', () => {
  it('steps a QoS 2 flow with a dropped PUBREL by keyboard and delivers exactly once', async () => {
    const { page, errors } = await openAnimator();
    await page.getByTestId('publish-qos').selectOption('2');
    await page.getByTestId('subscribe-qos').selectOption('2');
    await page.getByTestId('step').focus();
    // PUBLISH, PUBREC, PUBREL, PUBLISH to the subscriber, PUBCOMP to the publisher, PUBREC from the subscriber.
    for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('d');
    await page.keyboard.press('ArrowRight');
    const dropped = page.locator('[data-testid="history"] li[data-fate="dropped"]');
    await expect.poll(() => dropped.getAttribute('data-type')).toBe('PUBREL');
    // The subscriber still holds packet id 1: it cannot deliver a resend twice.
    expect(await text(page, 'state-subscriber')).toContain('Packet ids held until PUBREL: id 1');
    expect(await text(page, 'delivery-count')).toBe('1');
    expect(await text(page, 'narration')).toContain('keeps the packet id stored');

    await page.getByTestId('cut-subscriber').click();
    await page.getByTestId('reconnect-subscriber').click();
    await page.getByTestId('step').focus();
    for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
    const rows = await page.locator('[data-testid="history"] li').evaluateAll((items) => items.map((li) => `${li.getAttribute('data-type')}:${li.getAttribute('data-fate')}`));
    expect(rows.filter((r) => r === 'PUBREL:delivered')).toHaveLength(2);
    expect(await text(page, 'delivery-count')).toBe('1');
    expect(await text(page, 'state-subscriber')).toContain('Packet ids held until PUBREL: none');
    expect(await text(page, 'state-broker')).toContain('In flight to the subscriber: none');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a QoS 1 duplicate after a lost PUBACK and a resumed session', async () => {
    const { page } = await openAnimator();
    for (let i = 0; i < 3; i++) await page.getByTestId('step').click();
    await page.getByTestId('fault-drop').click();
    await page.getByTestId('step').click();
    await page.getByTestId('cut-subscriber').click();
    await page.getByTestId('reconnect-subscriber').click();
    for (let i = 0; i < 4; i++) await page.getByTestId('step').click();
    expect(await text(page, 'delivery-count')).toBe('2');
    expect(await text(page, 'state-subscriber')).toContain('duplicate');
    await page.close();
  });

  it('keeps the exact moment in the URL, so a reload shows the same step', async () => {
    const { page } = await openAnimator();
    for (let i = 0; i < 2; i++) await page.getByTestId('step').click();
    await page.getByRole('button', { name: 'Step back' }).click();
    const url = page.url();
    expect(url).toContain('a=s.s');
    expect(url).toContain('at=1');
    await page.reload();
    await page.getByTestId('step').waitFor();
    await expect.poll(() => page.locator('[data-testid="history"] li').count()).toBe(1);
    expect(await text(page, 'narration')).toContain('Step 1 / 2');
    await page.close();
  });

  it('explains a tampered link instead of crashing', async () => {
    const { page, errors } = await openAnimator('#pq=7&a=s.%3Cimg%3E');
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('QoS is 0, 1 or 2');
    expect(await page.locator('[data-testid="qos-animator"] img').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('replaces motion with highlighting when the reader prefers reduced motion', async () => {
    const { page } = await openAnimator('', 'reduce');
    await page.getByTestId('step').click();
    const animation = await page.locator('.mqtt-qos__row--current .mqtt-qos__arrow').evaluate((el) => getComputedStyle(el).animationName);
    expect(animation).toBe('none');
    expect(await page.locator('.mqtt-qos__row--current').count()).toBe(1);
    await page.close();
  });

  it('has no axe-core violations', async () => {
    const { page } = await openAnimator();
    await page.getByTestId('step').click();
    const violations = await axeViolations(page, '[data-testid="qos-animator"]');
    expect(violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`)).toEqual([]);
    await page.close();
  });

  it('runs on its own embed page', async () => {
    const { page } = await openAnimator('#pq=0&sq=0', 'no-preference', { path: '/embed/qos-animator/' });
    await page.getByTestId('step').click();
    await expect.poll(() => page.getByTestId('narration').textContent()).toContain('PUBLISH QoS 0');
    await page.close();
  });

  it('fits a 390 px phone screen: the settings and control rows wrap, the page does not scroll sideways', async () => {
    for (const path of ['/tools/qos-animator/', '/zh-cn/tools/qos-animator/']) {
      const { page } = await openAnimator('#v=5&pq=2&sq=2', 'no-preference', { path, width: 390, height: 844 });
      await page.getByTestId('step').click();
      await page.getByTestId('step').click();
      expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(390);
      // Every control is on screen, none runs off the right edge.
      const overflowing = await page.locator('[data-testid="qos-animator"] button, [data-testid="qos-animator"] select').evaluateAll((all) => all.filter((el) => el.getBoundingClientRect().right > 390).map((el) => el.textContent));
      expect(overflowing, path).toEqual([]);
      await page.close();
    }
  });

  it('stops at the end of the exchange: Step and Play disabled, and it says the exchange is complete', async () => {
    const { page } = await openAnimator();
    const step = page.getByTestId('step');
    for (let i = 0; i < 4; i++) await step.click();
    await expect.poll(() => step.isDisabled()).toBe(true);
    expect(await page.getByTestId('play').isDisabled()).toBe(true);
    expect(await text(page, 'narration')).toContain('Step 4 / 4');
    expect(await text(page, 'narration')).toContain('The exchange is complete');
    expect(await page.getByTestId('complete').textContent()).toBe('Exchange complete');
    // The keyboard does not count empty steps either.
    await page.getByTestId('back').focus();
    await page.getByTestId('back').click();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await text(page, 'narration')).toContain('Step 4 / 4');
    expect(page.url()).toContain('a=s.s.s.s');
    expect(page.url()).not.toContain('a=s.s.s.s.s');
    await page.close();
  });

  it('plays to the end and stops by itself', async () => {
    const { page } = await openAnimator('#pq=0&sq=0');
    await page.locator('select').filter({ hasText: 'faster' }).selectOption('3');
    // Every DOM state the widget commits, as a mutation observer sees it before the next paint:
    // none may show "complete" beside a button that still offers Pause.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { playStates: string[] }).playStates = seen;
      const root = document.querySelector('[data-testid="qos-animator"]')!;
      new MutationObserver(() => {
        const done = root.querySelector('[data-testid="complete"]') !== null;
        seen.push(`${done ? 'complete' : 'running'}:${root.querySelector('[data-testid="play"]')!.textContent}`);
      }).observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await page.getByTestId('play').click();
    await expect.poll(() => page.getByTestId('complete').count(), { timeout: 10_000 }).toBe(1);
    const states = await page.evaluate(() => (window as unknown as { playStates: string[] }).playStates);
    expect(states).toContain('complete:Play');
    expect(states).not.toContain('complete:Pause');
    expect(await page.getByTestId('play').textContent()).toBe('Play');
    expect(await page.getByTestId('play').isDisabled()).toBe(true);
    expect(await text(page, 'narration')).toContain('Step 2 / 2');
    await page.close();
  });

  it('names the packet a fault will hit when two are on the wire, and drops that one', async () => {
    const { page } = await openAnimator();
    await page.getByTestId('step').click();
    // The broker got the PUBLISH: its PUBLISH to the subscriber and its PUBACK to the publisher are both on the wire.
    expect(await text(page, 'wire')).toContain('PUBACK');
    expect(await text(page, 'next-packet')).toBe('Next packet: PUBLISH QoS 1 id 1 "door/front/unlock" (Broker → Subscriber)');
    expect(await page.getByTestId('fault-drop').textContent()).toBe('Drop PUBLISH (Broker → Subscriber)');
    await page.getByTestId('fault-drop').click();
    expect(await text(page, 'narration')).toContain('The network will lose the next packet: PUBLISH QoS 1 id 1 "door/front/unlock" (broker → subscriber).');
    await page.getByTestId('step').click();
    const dropped = page.locator('[data-testid="history"] li[data-fate="dropped"]');
    expect(await dropped.getAttribute('data-type')).toBe('PUBLISH');
    expect(await text(page, 'next-packet')).toBe('Next packet: PUBACK id 1 (Broker → Publisher)');
    expect(await page.getByTestId('fault-drop').textContent()).toBe('Drop PUBACK (Broker → Publisher)');
    await page.close();
  });

  it('shows no English sentence on the Chinese page, through faults, a cut and the end of the exchange', async () => {
    const { page, errors } = await openAnimator('#v=5&pq=2&sq=1', 'no-preference', { path: '/zh-cn/tools/qos-animator/' });
    const seen: string[] = [];
    const look = async () => { seen.push(...englishIn((await page.getByTestId('qos-animator').innerText()))); };
    await look();
    await page.getByTestId('step').click();
    await page.getByTestId('fault-drop').click();
    await look();
    await page.getByTestId('step').click();
    await look();
    await page.getByTestId('cut-publisher').click();
    await look();
    await page.getByTestId('reconnect-publisher').click();
    for (let i = 0; i < 12 && !(await page.getByTestId('step').isDisabled()); i++) await page.getByTestId('step').click();
    await look();
    expect(await page.getByTestId('complete').textContent()).toBe('交互已完成');
    await page.getByTestId('broker-ack').selectOption('135');
    await page.getByTestId('step').click();
    await look();
    // Option names too (a closed select's options are not in innerText).
    const options = await page.locator('[data-testid="qos-animator"] option').allTextContents();
    seen.push(...englishIn(options.join('\n')));
    expect([...new Set(seen)]).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
