// @ts-check
/**
 * A Content-Security-Policy for the static site, written into every built page as the first
 * element of <head> (a meta tag: the site is static, there are no response headers to set).
 *
 * Scripts: only files from this origin, plus each inline <script> the page actually contains,
 * allowed by its SHA-256 hash — Starlight's theme and sidebar scripts, Astro's island loader and
 * the embed layout's theme script. Never 'unsafe-inline' for scripts. 'wasm-unsafe-eval' lets
 * Pagefind's search run its WebAssembly; nothing here evaluates strings as code.
 * Styles: files and inline <style> elements by hash as well; style *attributes* are allowed
 * ('unsafe-inline' under style-src-attr only), because React and Shiki set them and an attribute
 * cannot run code.
 * Connections: this origin, plus ws:/wss: for the broker lab's real-broker mode, which connects to
 * whatever broker the reader names.
 *
 * Astro's own `security.csp` hashes only the scripts it bundles, not Starlight's `is:inline` ones,
 * so this runs after the build over the finished HTML instead, where every inline script is seen.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BASE_DIRECTIVES = [
  "default-src 'self'",
  "connect-src 'self' ws: wss:",
  "img-src 'self' data:",
  "font-src 'self'",
  "worker-src 'self' blob:",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
];

const sha256 = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The policy for one page, from the inline scripts and styles it holds. */
export function policyFor(html) {
  const scriptHashes = new Set();
  const styleHashes = new Set();
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const attributes = match[1] ?? '';
    if (/\bsrc\s*=/.test(attributes)) continue;
    // JSON data blocks are not executed, so need no hash.
    if (/\btype\s*=\s*["']?application\/(ld\+)?json/i.test(attributes)) continue;
    scriptHashes.add(sha256(match[2] ?? ''));
  }
  for (const match of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)) styleHashes.add(sha256(match[1] ?? ''));
  return [
    ...BASE_DIRECTIVES,
    ["script-src 'self' 'wasm-unsafe-eval'", ...scriptHashes].join(' '),
    ["style-src 'self'", ...styleHashes].join(' '),
    "style-src-attr 'unsafe-inline'",
  ].join('; ');
}

/** Puts the policy first in <head>, so it governs every script and style after it. */
export function withPolicy(html) {
  const withoutOld = html.replace(/<meta http-equiv="content-security-policy"[^>]*>/gi, '');
  const meta = `<meta http-equiv="content-security-policy" content="${policyFor(withoutOld)}">`;
  return withoutOld.replace(/<head>/i, (head) => `${head}${meta}`);
}

async function* htmlFiles(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* htmlFiles(path);
    else if (entry.name.endsWith('.html')) yield path;
  }
}

/** @returns {import('astro').AstroIntegration} */
export default function contentSecurityPolicy() {
  return {
    name: 'mqtt-lab:content-security-policy',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        let pages = 0;
        for await (const file of htmlFiles(fileURLToPath(dir))) {
          const html = await readFile(file, 'utf8');
          if (!/<head>/i.test(html)) continue;
          await writeFile(file, withPolicy(html));
          pages++;
        }
        logger.info(`Content-Security-Policy written into ${pages} pages`);
      },
    },
  };
}
