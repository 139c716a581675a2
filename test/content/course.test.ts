/**
 * The course as a reader meets it: sixteen chapters in the order issue 11 gives, each in English
 * and Chinese, in the sidebar in that order, each ending with self-check questions, every rule id
 * it cites real in the version it names, and every site link it makes pointing at a built page.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULE_IDS_V311, RULE_IDS_V5 } from '../support/spec-rule-ids.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const DIST = join(ROOT, 'dist');

export const CHAPTERS = [
  'what-is-mqtt', 'publish-subscribe', 'topics', 'packet-anatomy', 'remaining-length', 'connecting', 'qos',
  'sessions', 'retained-messages', 'last-will', 'keepalive', 'client-ids', 'mqtt-5', 'brokers-and-tools',
  'misconceptions', 'troubleshooting',
] as const;

const LANGS = [
  { name: 'English', source: 'content/docs/guides', prefix: '' },
  { name: 'Chinese', source: 'content/docs/zh-cn/guides', prefix: '/zh-cn' },
] as const;

const builtPage = (prefix: string, slug: string) => join(DIST, prefix, 'guides', slug, 'index.html');
const mainOf = (html: string) => html.slice(html.indexOf('<main'), html.lastIndexOf('</main>'));

/** The hrefs of the sidebar group whose label is `label`, in order, from a built page. */
function sidebarGroup(html: string, label: string): string[] {
  const start = html.search(new RegExp(`<span class="large[^"]*">${label}</span>`));
  if (start < 0) return [];
  const end = html.indexOf('</details>', start);
  return [...html.slice(start, end).matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]!);
}

describe('the course', () => {
  for (const lang of LANGS) {
    it(`has all sixteen chapters in ${lang.name}, as sources and as built pages`, () => {
      for (const slug of CHAPTERS) {
        expect(existsSync(join(ROOT, lang.source, `${slug}.mdx`)), `${lang.source}/${slug}.mdx`).toBe(true);
        expect(existsSync(builtPage(lang.prefix, slug)), `${lang.prefix}/guides/${slug}/`).toBe(true);
      }
    });

    it(`lists the chapters in order in the ${lang.name} sidebar's Course group`, () => {
      const page = readFileSync(builtPage(lang.prefix, 'qos'), 'utf8');
      const links = sidebarGroup(page, lang.prefix === '' ? 'Course' : '课程');
      const chapters = links.filter((href) => CHAPTERS.some((slug) => href === `${lang.prefix}/guides/${slug}/`));
      expect(chapters).toEqual(CHAPTERS.map((slug) => `${lang.prefix}/guides/${slug}/`));
      expect(links.some((href) => href.includes('glossary')), 'the glossary is in the Course group').toBe(true);
    });

    it(`ends every ${lang.name} chapter with three to five self-check questions that open on click`, () => {
      for (const slug of CHAPTERS) {
        const html = readFileSync(builtPage(lang.prefix, slug), 'utf8');
        // The chapter's own text (widgets inside it use <details class=…> for their own panels).
        const text = html.slice(html.indexOf('sl-markdown-content'));
        const questions = text.match(/<details><summary>/g)?.length ?? 0;
        expect(questions, `${lang.prefix}/guides/${slug}/`).toBeGreaterThanOrEqual(3);
        expect(questions, `${lang.prefix}/guides/${slug}/`).toBeLessThanOrEqual(5);
      }
    });

    it(`cites only rule ids that exist, in the version named beside them (${lang.name})`, () => {
      let cited = 0;
      for (const slug of CHAPTERS) {
        const source = readFileSync(join(ROOT, lang.source, `${slug}.mdx`), 'utf8');
        for (const match of source.matchAll(/MQTT-\d+\.\d+(?:\.\d+)?-\d+/g)) {
          const id = match[0];
          const before = source.slice(Math.max(0, match.index! - 14), match.index!);
          const where = `${lang.source}/${slug}.mdx: ${id}`;
          // "3.1.1 MQTT-3.1.2-24" or "5.0 MQTT-3.1.2-22" names the version; else either may hold it.
          if (/3\.1\.1[^0-9]{0,4}$/.test(before)) expect(RULE_IDS_V311.has(id), where).toBe(true);
          else if (/5(?:\.0)?[^0-9.]{0,4}$/.test(before) && /\b5\.0|v5|MQTT 5/.test(before)) expect(RULE_IDS_V5.has(id), where).toBe(true);
          else expect(RULE_IDS_V311.has(id) || RULE_IDS_V5.has(id), where).toBe(true);
          cited++;
        }
      }
      expect(cited).toBeGreaterThan(40);
    });

    it(`links only to pages that exist (${lang.name})`, () => {
      for (const slug of CHAPTERS) {
        const main = mainOf(readFileSync(builtPage(lang.prefix, slug), 'utf8'));
        for (const [, href] of main.matchAll(/href="(\/[^"#?]*)/g)) {
          const target = href!.endsWith('/') ? join(DIST, href!, 'index.html') : join(DIST, href!);
          expect(existsSync(target), `${lang.prefix}/guides/${slug}/ → ${href}`).toBe(true);
        }
      }
    });

    it(`embeds or links a widget in every chapter (${lang.name})`, () => {
      for (const slug of CHAPTERS) {
        const main = mainOf(readFileSync(builtPage(lang.prefix, slug), 'utf8'));
        const usesWidget = /<astro-island|href="[^"]*\/(tools|embed|reference)\//.test(main);
        expect(usesWidget, `${lang.prefix}/guides/${slug}/`).toBe(true);
      }
    });
  }

  it('draws its box diagrams unwrapped, so a phone scrolls a diagram sideways instead of breaking its lines apart', () => {
    // Code blocks wrap site-wide (astro.config.mjs); a diagram wrapped at spaces on a 390 px phone
    // loses its alignment (the labels wrap, the box lines do not), so each one says wrap=false.
    const diagrams: string[] = [];
    for (const lang of LANGS) {
      for (const slug of CHAPTERS) {
        const html = mainOf(readFileSync(builtPage(lang.prefix, slug), 'utf8'));
        for (const [, attributes, body] of html.matchAll(/<pre([^>]*)>(.*?)<\/pre>/gs)) {
          if (!/[┌└│─▶]/.test(body!)) continue;
          diagrams.push(`${lang.prefix}/guides/${slug}/`);
          expect(attributes, `the diagram on ${lang.prefix}/guides/${slug}/`).not.toMatch(/class="[^"]*\bwrap\b/);
        }
      }
    }
    expect(diagrams.length).toBeGreaterThanOrEqual(8);
  });

  it('writes the Chinese chapters in Chinese, with the page language set', () => {
    for (const slug of CHAPTERS) {
      const html = readFileSync(builtPage('/zh-cn', slug), 'utf8');
      expect(html, slug).toContain('<html lang="zh-CN"');
      const text = mainOf(html).replace(/<[^>]+>/g, '');
      const han = text.match(/[\u4e00-\u9fff]/g)?.length ?? 0;
      expect(han, slug).toBeGreaterThan(800);
    }
  });
});
