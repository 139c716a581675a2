import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations } from '../support/browser.ts';
import { useBuiltSite } from '../support/site.ts';

const site = useBuiltSite();

async function openAnimator(hash = '', reducedMotion: 'reduce' | 'no-preference' = 'no-preference'): Promise<{ page: Page; errors: string[] }> {
  const page = await site.browser.newPage({ reducedMotion });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${site.url}/tools/qos-animator/${hash}`);
  await page.getByTestId('step').waitFor();
  // The island hydrates after load; wait until a click does something.
  await page.waitForFunction(() => document.querySelector('[data-testid="qos-animator"]') !== null);
  return { page, errors };
}

const text = (page: Page, id: string) => page.getByTestId(id).textContent();

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
    const page = await site.browser.newPage();
    await page.goto(`${site.url}/embed/qos-animator/#pq=0&sq=0`);
    await page.getByTestId('step').click();
    await expect.poll(() => page.getByTestId('narration').textContent()).toContain('PUBLISH QoS 0');
    await page.close();
  });
});
