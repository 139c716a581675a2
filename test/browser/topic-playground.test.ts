import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations } from '../support/browser.ts';
import { useBuiltSite } from '../support/site.ts';

const site = useBuiltSite();

interface Opened { page: Page; errors: string[]; dialogs: string[] }

async function open(path: string, options: { colorScheme?: 'light' | 'dark'; width?: number } = {}): Promise<Opened> {
  const page = await site.browser.newPage({ colorScheme: options.colorScheme ?? 'light', viewport: { width: options.width ?? 1280, height: 900 } });
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  await page.goto(`${site.url}${path}`);
  // Astro removes the `ssr` attribute once the island has hydrated: only then do clicks and keys do anything.
  await page.waitForSelector('astro-island:not([ssr]) [data-testid="topic-playground"]');
  return { page, errors, dialogs };
}

/** A loaded machine (two cores shared by every suite) can take seconds to hydrate and apply a link. */
const poll = <T,>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });

const widget = (page: Page) => page.getByTestId('topic-playground').first();
const cell = (page: Page, filter: number, name: number) => widget(page).getByTestId(`cell-${filter}-${name}`);
/** The name aria-labelledby gives an element (the cells name themselves through a hidden element). */
const accessibleNameFromLabelledBy = (el: Element): string => (el.getAttribute('aria-labelledby') ?? '').split(' ').map((ref) => document.getElementById(ref)?.textContent ?? `(missing #${ref})`).join(' ');
const summary = (page: Page) => widget(page).getByTestId('explanation-summary').textContent();

describe('the topic filter playground in Chromium', () => {
  it('matches typed filters against typed topics and explains a chosen cell level by level', async () => {
    const { page, errors } = await open('/tools/topic-playground/');
    expect(await cell(page, 0, 0).evaluate(accessibleNameFromLabelledBy)).toBe('filter sensor/+/temperature, topic sensor/kitchen/temperature: matches');
    expect(await cell(page, 3, 3).textContent()).toBe('✓ matches');
    expect(await cell(page, 3, 2).textContent()).toBe('✗ no match');
    expect(await cell(page, 2, 2).getAttribute('data-status')).toBe('no-match');

    await widget(page).getByRole('button', { name: 'Add a filter' }).click();
    await widget(page).getByRole('textbox', { name: 'Filter 6' }).pressSequentially('sport/+');
    await widget(page).getByRole('button', { name: 'Add a topic' }).click();
    await widget(page).getByRole('textbox', { name: 'Topic 5' }).pressSequentially('sport/tennis');
    await widget(page).getByRole('textbox', { name: 'Filter 4' }).fill('sport/#');
    await widget(page).getByRole('textbox', { name: 'Topic 4' }).fill('sport');

    expect(await cell(page, 5, 4).evaluate(accessibleNameFromLabelledBy)).toBe('filter sport/+, topic sport/tennis: matches');
    expect(await cell(page, 5, 3).evaluate(accessibleNameFromLabelledBy)).toBe('filter sport/+, topic sport: no match');
    expect(await cell(page, 3, 3).getAttribute('data-status')).toBe('match');
    expect(await widget(page).getByRole('columnheader', { name: 'sport/tennis' }).count()).toBe(1);
    expect(await widget(page).getByRole('rowheader', { name: 'sport/+' }).count()).toBe(1);

    await cell(page, 5, 3).click();
    expect(await cell(page, 5, 3).getAttribute('aria-pressed')).toBe('true');
    await poll(() => summary(page)).toContain('"sport/+" does not match "sport"');
    const steps = widget(page).getByTestId('explanation-steps').locator('li');
    expect(await steps.count()).toBe(2);
    expect(await steps.nth(1).getAttribute('data-rule')).toBe('length-mismatch');
    expect(await steps.nth(1).textContent()).toContain("'+' needs exactly one level");

    // '#' includes the parent level.
    await cell(page, 3, 3).click();
    await poll(() => summary(page)).toContain('"sport/#" matches "sport"');
    expect(await steps.nth(1).textContent()).toContain('# includes the parent');
    expect(await widget(page).getByTestId('match-count').textContent()).toBe('6 of 30 pairs match.');
    expect(errors).toEqual([]);
    await page.close();
  });

  it("marks an invalid filter in place with the rule it breaks, in the version's numbering", async () => {
    const { page } = await open('/tools/topic-playground/');
    const input = widget(page).getByRole('textbox', { name: 'Filter 1' });
    await input.fill('sport/#/ranking');
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    const problems = widget(page).getByTestId('filters-problems-0');
    expect(await problems.textContent()).toContain('MQTT-4.7.1-1');
    expect(await problems.locator('mark').textContent()).toBe('#');
    // The problem is the input's description, so a screen reader hears it with the field.
    expect(await input.getAttribute('aria-describedby')).toBe(await problems.getAttribute('id'));
    expect(await cell(page, 0, 0).getAttribute('data-status')).toBe('invalid');
    expect(await cell(page, 0, 0).textContent()).toContain('invalid');

    await widget(page).getByTestId('tp-version').selectOption('3.1.1');
    await poll(() => problems.textContent()).toContain('MQTT-4.7.1-2');
    expect(await problems.textContent()).not.toContain('MQTT-4.7.1-1');

    // A valid filter that is almost certainly a mistake gets a hint, not an error.
    expect(await widget(page).getByTestId('filters-hints-4').textContent()).toContain("'*' is not an MQTT wildcard");
    expect(await widget(page).getByTestId('filters-entry-4').getAttribute('data-valid')).toBe('true');

    // Shared subscriptions are 5.0 only.
    await input.fill('$share/workers/sensor/#');
    expect(await widget(page).getByTestId('filters-hints-0').textContent()).toContain('only in MQTT 5.0');
    await widget(page).getByTestId('tp-version').selectOption('5.0');
    await poll(() => widget(page).getByTestId('filters-entry-0').textContent()).toContain('Shared subscription for the group "workers"');
    expect(await cell(page, 0, 0).getAttribute('data-status')).toBe('match');
    await page.close();
  });

  it('moves between cells with the arrow keys and chooses with Enter and Space', async () => {
    const { page } = await open('/tools/topic-playground/');
    // Roving focus: the table is one tab stop.
    expect(await widget(page).locator('[data-testid="matrix"] button[tabindex="0"]').count()).toBe(1);
    await widget(page).getByRole('textbox', { name: 'Topic 4' }).focus();
    await page.keyboard.press('Tab'); // the remove button of topic 4
    await page.keyboard.press('Tab'); // "Add a topic"
    await page.keyboard.press('Tab'); // the chosen cell
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-cell'))).toBe('0.0');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-cell'))).toBe('1.1');
    await page.keyboard.press('Enter');
    expect(await cell(page, 1, 1).getAttribute('aria-pressed')).toBe('true');
    expect(await cell(page, 0, 0).getAttribute('aria-pressed')).toBe('false');
    await poll(() => summary(page)).toContain('"building-b/#" matches "building-b/floor-5"');
    expect(await widget(page).getByTestId('explanation-summary').getAttribute('aria-live')).toBe('polite');

    await page.keyboard.press('End');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-cell'))).toBe('2.3');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-cell'))).toBe('0.3');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press(' ');
    await poll(() => summary(page)).toContain("topics starting with '$' are not matched");
    expect(await widget(page).getByTestId('explanation-steps').textContent()).toContain('MQTT-4.7.2-1');
    expect(await widget(page).locator('[data-testid="matrix"] button[tabindex="0"]').getAttribute('data-cell')).toBe('2.2');
    await page.close();
  });

  it('keeps filters, topics, version and the chosen cell in the URL across a reload', async () => {
    const { page } = await open('/tools/topic-playground/');
    await widget(page).getByRole('textbox', { name: 'Topic 1' }).fill('温度/客厅 a&b=c');
    await widget(page).getByRole('button', { name: 'Remove filter 2' }).click();
    await widget(page).getByTestId('tp-version').selectOption('3.1.1');
    await cell(page, 3, 3).click();
    await poll(() => page.url()).toContain('sel=3.3');
    expect(page.url()).toContain('v=3.1.1');
    expect(page.url()).toContain('f=sensor/+/temperature&f=+/floor-5');

    await page.reload();
    await page.waitForSelector('astro-island:not([ssr]) [data-testid="topic-playground"]');
    await poll(() => widget(page).getByRole('textbox', { name: 'Topic 1' }).inputValue()).toBe('温度/客厅 a&b=c');
    expect(await widget(page).getByRole('textbox', { name: 'Filter 2' }).inputValue()).toBe('+/floor-5');
    expect(await widget(page).getByRole('textbox', { name: /^Filter \d+$/ }).count()).toBe(4);
    expect(await widget(page).getByTestId('tp-version').inputValue()).toBe('3.1.1');
    expect(await cell(page, 3, 3).getAttribute('aria-pressed')).toBe('true');
    await poll(() => summary(page)).toContain('"building-b/*" does not match "home"');
    await page.close();
  });

  it('explains a tampered link instead of crashing, and shows hostile text as text', async () => {
    const tooMany = Array.from({ length: 25 }, (_, i) => `f=${encodeURIComponent(`<img src=x onerror=alert(${i})>`)}`).join('&');
    const cases: Array<[string, string]> = [
      [`#${tooMany}`, 'The link holds 25 filters; at most 20 are allowed.'],
      ['#v=6&f=a', 'MQTT version "6"'],
      ['#f=%ED%A0%80', 'not well-formed UTF-8'],
      [`#n=${'x'.repeat(5000)}`, 'too long (5,000 characters)'],
      ['#f=a&sel=7.7', 'chosen cell "7.7"'],
    ];
    for (const [hash, message] of cases) {
      const { page, errors, dialogs } = await open(`/tools/topic-playground/${hash}`);
      await poll(() => widget(page).getByRole('alert').textContent()).toContain(message);
      // The examples are shown instead, and the page still works.
      expect(await cell(page, 0, 0).getAttribute('data-status')).toBe('match');
      expect(await widget(page).locator('img').count()).toBe(0);
      expect(errors).toEqual([]);
      expect(dialogs).toEqual([]);
      await page.close();
    }

    const hostile = '<img src=x onerror=alert(1)>';
    const { page, errors, dialogs } = await open(`/tools/topic-playground/#f=${encodeURIComponent(hostile)}&n=${encodeURIComponent(hostile)}/%00&sel=0.0`);
    await poll(() => widget(page).getByRole('textbox', { name: 'Filter 1' }).inputValue()).toBe(hostile);
    expect(await widget(page).getByRole('alert').count()).toBe(0);
    expect(await widget(page).getByRole('rowheader').first().textContent()).toContain(hostile);
    // The null character is flagged where it is and written out as its code point.
    expect(await widget(page).getByTestId('names-problems-0').textContent()).toContain('MQTT-4.7.3-2');
    expect(await widget(page).getByTestId('names-problems-0').locator('mark').textContent()).toBe('U+0000');
    expect(await widget(page).locator('img').count()).toBe(0);
    expect(errors).toEqual([]);
    expect(dialogs).toEqual([]);
    await page.close();
  }, 120_000);

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`has no axe-core violations (${colorScheme})`, async () => {
      const { page } = await open('/tools/topic-playground/#f=sport/%23/ranking&f=building-b/*&f=%2B/floor-5&n=sport&n=$SYS/x&n=a/%00/b&sel=2.1', { colorScheme });
      await poll(() => summary(page)).toContain('MQTT-4.7.2-1');
      const violations = await axeViolations(page, '[data-testid="topic-playground"]');
      expect(violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`)).toEqual([]);
      await page.close();
    }, 120_000);
  }

  it('fits a 375-pixel screen: only the matrix scrolls sideways', async () => {
    const { page } = await open('/tools/topic-playground/', { width: 375 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    const scroller = widget(page).getByTestId('matrix-scroll');
    expect(await scroller.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await cell(page, 0, 3).click();
    await poll(() => summary(page)).toContain('"sensor/+/temperature" does not match "home"');
    await page.close();
  });

  it('teaches inline on the guide without touching the address bar', async () => {
    const page = await site.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${site.url}/guides/topics/`);
    const widgets = page.getByTestId('topic-playground');
    expect(await widgets.count()).toBeGreaterThanOrEqual(6);
    const dollar = widgets.filter({ hasText: '+/broker/uptime' }).first();
    // client:visible: the island hydrates once it is scrolled into view.
    await dollar.scrollIntoViewIfNeeded();
    await poll(() => dollar.evaluate((el) => el.closest('astro-island')?.hasAttribute('ssr'))).toBe(false);
    expect(await dollar.getByTestId('cell-0-0').getAttribute('data-status')).toBe('no-match');
    await dollar.getByTestId('cell-2-0').click();
    await poll(() => dollar.getByTestId('explanation-summary').textContent()).toContain('"$SYS/#" matches "$SYS/broker/uptime"');
    expect(new URL(page.url()).hash).toBe('');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('holds a preset topic with a null character exactly, though the HTML of the page cannot carry U+0000', async () => {
    const page = await site.browser.newPage();
    await page.goto(`${site.url}/guides/topics/`);
    const withNull = page.getByTestId('topic-playground').filter({ has: page.locator('[data-testid="names-input-0"][value="温度/客厅"]') }).first();
    await withNull.scrollIntoViewIfNeeded();
    await poll(() => withNull.evaluate((el) => el.closest('astro-island')?.hasAttribute('ssr'))).toBe(false);
    // The server sent U+FFFD (HTML has no way to write U+0000); the hydrated box holds the real character.
    await poll(() => withNull.getByTestId('names-input-1').inputValue()).toBe('sensor/\u0000/temperature');
    expect(await withNull.getByTestId('names-entry-1').getAttribute('data-valid')).toBe('false');
    await page.close();
  });

  it('shows no English sentence on the Chinese page: problems, every hint kind, explanation steps, labels', async () => {
    // What may stay Latin: the reader's own topics (quoted or in <code>), rule ids and protocol names.
    const kept = /MQTT-5\.0 §[\d.]+|MQTT-[\d.]+-\d+|MQTT|UTF-8|U\+[0-9A-F]{4}|ShareName|\$share|\$SYS|NATS|Unicode|emoji|Enter|\bC\b/g;
    const englishOn = (page: Page, topics: string[]) => widget(page).evaluate((root, [topicList, keptSource]) => {
      const clone = root.cloneNode(true) as HTMLElement;
      for (const code of clone.querySelectorAll('code, input, textarea')) code.remove();
      const labels = [...root.querySelectorAll('[aria-label], [title]')].flatMap((el) => [el.getAttribute('aria-label') ?? '', el.getAttribute('title') ?? '']);
      let text = [clone.textContent ?? '', ...labels].join('\n').replace(/"[^"]*"/g, '').replace(new RegExp(keptSource as string, 'g'), ' ');
      for (const t of [...(topicList as string[])].sort((a, b) => b.length - a.length)) text = text.split(t).join(' ');
      return text.match(/[A-Za-z]{2,}/g) ?? [];
    }, [topics, kept.source] as const);

    const invalid: Array<[string, string[]]> = [
      // Invalid filters and names with each kind of hint: embedded wildcard, '#' not last, '*', a ShareName
      // without a filter, leading slash, NATS '>', '#' first, a wildcard in a name, '$' names, dots, spaces.
      ['#f=sport+&f=a/%23/b&f=building-b/*&f=$share/g&f=/lead&f=orders/>&f=%23&n=a/+&n=$SYS/x&n=a.b.c&n=%20sp&n=a/b%00c&sel=6.1',
        ['sport+', 'a/#/b', 'building-b/*', '$share/g', '/lead', 'orders/>', '#', 'a/+', '$SYS/x', 'a.b.c', ' sp', 'a/b']],
    ];
    for (const [hash, topics] of invalid) {
      const { page, errors } = await open(`/zh-cn/embed/topic-playground/${hash}`);
      await poll(() => summary(page)).toContain('MQTT-4.7.2-1');
      expect(await widget(page).getByTestId('filters-hints-2').textContent()).toMatch(/[\u4e00-\u9fff]/);
      expect(await widget(page).getByTestId('filters-problems-0').textContent()).toContain('MQTT-4.7.1-2');
      expect(await englishOn(page, topics)).toEqual([]);
      // Each step of an invalid pair names the problem in Chinese.
      await cell(page, 0, 0).click();
      await poll(() => summary(page)).toContain('不可能匹配');
      expect(await englishOn(page, topics)).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    }

    // Valid pairs: the parent level, '+' missing a level, a longer name, case, a shared subscription, '#' the rest.
    const topics = ['sport/#', 'a/+', 'a/b', 'ACC', '$share/w/a/#', 'sport', 'a', 'a/b/c', 'acc'];
    const { page, errors } = await open('/zh-cn/embed/topic-playground/#f=sport/%23&f=a/+&f=a/b&f=ACC&f=$share/w/a/%23&n=sport&n=a&n=a/b/c&n=acc&sel=0.0');
    await poll(() => summary(page)).toContain('也匹配父级');
    const rules = new Set<string>();
    for (const [f, n] of [[0, 0], [1, 1], [2, 2], [3, 3], [4, 2], [0, 2], [1, 2]] as const) {
      await cell(page, f, n).click();
      await poll(() => cell(page, f, n).getAttribute('aria-pressed')).toBe('true');
      for (const r of await widget(page).getByTestId('explanation-steps').locator('li').evaluateAll((els) => els.map((el) => el.getAttribute('data-rule')))) rules.add(r!);
      expect(await englishOn(page, topics), `${f}.${n}`).toEqual([]);
    }
    expect([...rules].sort()).toEqual(['length-mismatch', 'literal', 'multi-level-wildcard', 'parent-level', 'shared-subscription', 'single-level-wildcard']);
    expect(errors).toEqual([]);
    await page.close();

    // The check itself finds English: the English page fails it.
    const en = await open('/embed/topic-playground/#f=sport%2B&n=a&sel=0.0');
    expect((await englishOn(en.page, ['sport+', 'a'])).length).toBeGreaterThan(10);
    await en.page.close();
  }, 180_000);

  it('speaks Chinese on the Chinese embed, explanation included', async () => {
    const { page, errors } = await open('/zh-cn/embed/topic-playground/#f=home/%23&n=home&sel=0.0');
    await poll(() => summary(page)).toContain('"home/#" 匹配 "home"');
    expect(await cell(page, 0, 0).evaluate(accessibleNameFromLabelledBy)).toBe('过滤器 home/#，主题 home：匹配');
    expect(await widget(page).getByTestId('explanation-steps').textContent()).toContain('包括它的父级 "home"');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(errors).toEqual([]);
    await page.close();

    const en = await open('/embed/topic-playground/#f=a/b&n=A/b&sel=0.0');
    await poll(() => summary(en.page)).toContain('level 0 differs');
    expect(await widget(en.page).getByTestId('explanation-steps').textContent()).toContain('case sensitive');
    await en.page.close();
  });
});
