/**
 * The Content-Security-Policy written into every built page: scripts only from this origin or by
 * the hash of an inline script the page holds, never 'unsafe-inline' for scripts, and the policy
 * first in <head> so it governs everything after it. (The site gate opens every page in Chromium
 * with this policy in force and fails on any console error, which is where a violation shows.)
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error — a plain .mjs module without type declarations
import { policyFor, withPolicy } from '../../src/build/content-security-policy.mjs';

const DIST = new URL('../../dist/', import.meta.url).pathname;

function htmlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? htmlFiles(path) : name.endsWith('.html') ? [path] : [];
  });
}

const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

function directive(policy: string, name: string): string {
  return policy.split(';').map((d) => d.trim()).find((d) => d.split(' ')[0] === name) ?? '';
}

describe('the policy for one page', () => {
  it('allows an inline script by its hash and nothing inline by default', () => {
    const policy: string = policyFor('<head><script>alert(1)</script><script src="/a.js"></script></head>');
    const scripts = directive(policy, 'script-src');
    expect(scripts).toContain(hash('alert(1)'));
    expect(scripts).not.toContain("'unsafe-inline'");
    expect(scripts.split(' ').filter((s) => s.startsWith("'sha256-"))).toHaveLength(1);
  });

  it('changes when the inline script changes, so a tampered script is refused', () => {
    expect(policyFor('<script>a()</script>')).not.toBe(policyFor('<script>b()</script>'));
  });

  it('lets the lab reach any WebSocket broker and nothing else off-site', () => {
    const policy: string = policyFor('<head></head>');
    expect(directive(policy, 'connect-src')).toBe("connect-src 'self' ws: wss:");
    expect(directive(policy, 'default-src')).toBe("default-src 'self'");
    expect(directive(policy, 'object-src')).toBe("object-src 'none'");
  });

  it('goes first in <head> and replaces an older policy', () => {
    const html: string = withPolicy('<html><head><meta http-equiv="content-security-policy" content="old"><script>x()</script></head></html>');
    expect(html.match(/content-security-policy/g)).toHaveLength(1);
    expect(html).toMatch(/^<html><head><meta http-equiv="content-security-policy" content="default-src/);
  });
});

describe('every built page', () => {
  const pages = htmlFiles(DIST);

  it('carries one policy, first in <head>, that allows exactly its own inline scripts', () => {
    expect(pages.length).toBeGreaterThan(40);
    for (const file of pages) {
      const html = readFileSync(file, 'utf8');
      const metas = [...html.matchAll(/<meta http-equiv="content-security-policy" content="([^"]*)">/g)];
      expect(metas, file).toHaveLength(1);
      expect(html.indexOf('<head>') + '<head>'.length, file).toBe(html.indexOf('<meta http-equiv="content-security-policy"'));
      const scripts = directive(metas[0]![1]!, 'script-src');
      expect(scripts, file).not.toContain("'unsafe-inline'");
      expect(scripts, file).not.toContain("'unsafe-eval'");
      for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
        if (/\bsrc=/.test(match[1]!)) continue;
        expect(scripts, `${file}: inline script ${match[2]!.slice(0, 60)}`).toContain(hash(match[2]!));
      }
    }
  });

  it('has no inline event-handler attributes, which no hash could allow', () => {
    for (const file of pages) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i);
    }
  });
});
