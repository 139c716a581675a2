/**
 * The setup every browser suite shares: the built site served from dist/ and one Chromium,
 * started before the suite and closed after it.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { serveDist } from './static-server.ts';

export interface SiteUnderTest {
  readonly browser: Browser;
  readonly url: string;
}

export function useBuiltSite(): SiteUnderTest {
  let browser: Browser | undefined;
  let site: Awaited<ReturnType<typeof serveDist>> | undefined;
  beforeAll(async () => {
    site = await serveDist();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });
  return {
    get browser() {
      if (browser === undefined) throw new Error('Chromium is not running yet (use it inside a test)');
      return browser;
    },
    get url() {
      if (site === undefined) throw new Error('The site is not served yet (use it inside a test)');
      return site.url;
    },
  };
}
