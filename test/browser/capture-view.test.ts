/**
 * "Open a capture" in the hex decoder, in a real browser: a capture file given to the file picker
 * (setInputFiles) or dropped on the page is read in a worker; its connections are listed, the
 * chosen one is drawn as a sequence diagram, and a packet opens in the decoder's field view. In
 * English and in Chinese.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { encodePacket, type Packet } from '../../src/mqtt/codec/index.ts';
import { axeViolations } from '../support/browser.ts';
import { ascii, pcapFile, pcapngFile, TcpConversation, type BuiltFrame } from '../support/capture-builder.ts';
import { useBuiltSite } from '../support/site.ts';
import { buildBenchCapture } from '../bench/capture.bench.ts';

const site = useBuiltSite();
const dir = mkdtempSync(join(tmpdir(), 'mqtt-lab-capture-view-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytesOf = (p: Packet, v: 4 | 5 = 4) => encodePacket(p, { protocolVersion: v });

function session(clientPort: number, clientId: string, version: 4 | 5): BuiltFrame[] {
  const conv = new TcpConversation({ client: { ip: '192.168.7.20', port: clientPort }, broker: { ip: '192.168.7.1', port: 1883 }, startSec: 1_700_000_000 });
  return [
    ...conv.handshake(),
    ...conv.send('client', bytesOf({ type: 'CONNECT', protocolName: 'MQTT', protocolLevel: version, cleanSession: true, keepAlive: 60, clientId }, version)),
    ...conv.send('broker', bytesOf({ type: 'CONNACK', sessionPresent: false, reasonCode: 0 }, version)),
    ...conv.send('client', bytesOf({ type: 'PUBLISH', dup: false, qos: 1, retain: false, topic: 'plant/line-1/temp', packetId: 11, payload: ascii('21.5') }, version)),
    ...conv.send('broker', bytesOf({ type: 'PUBACK', packetId: 11 }, version)),
    ...conv.close(),
  ];
}

function writeCapture(name: string, bytes: Uint8Array): string {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

async function open(path: string): Promise<Page & { errors: string[] }> {
  const page = (await site.browser.newPage({ viewport: { width: 1280, height: 900 } })) as Page & { errors: string[] };
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error.message));
  await page.goto(site.url + path, { waitUntil: 'load' });
  await page.waitForSelector('[data-testid="hex-decoder"][data-ready="true"]');
  await page.waitForSelector('[data-testid="capture"]');
  return page;
}

describe('opening a capture in the hex decoder', { timeout: 120_000 }, () => {
  it('lists the connections of a picked pcapng, draws the chosen one and opens a packet in the field view (English)', async () => {
    const frames = [...session(50001, 'sensor-a', 4), ...session(50002, 'sensor-b', 5)];
    const file = writeCapture('two.pcapng', pcapngFile(frames));
    const page = await open('/tools/hex-decoder/');
    await page.getByTestId('capture-file').setInputFiles(file);
    await expect.poll(() => page.getByTestId('capture-summary').textContent(), { timeout: 60_000 }).toContain('two.pcapng: pcapng, 18 frames, 2 connections with MQTT or TLS.');
    const rows = page.getByTestId('capture-connection');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain('192.168.7.20:50001');
    expect(await rows.nth(0).textContent()).toContain('sensor-a');
    expect(await rows.nth(1).textContent()).toContain('sensor-b');
    await page.getByRole('button', { name: 'Show stream 1' }).click();
    const diagram = page.getByTestId('capture-diagram');
    await expect.poll(() => diagram.locator('h4').textContent(), { timeout: 60_000 }).toBe('Stream 1: 192.168.7.20:50002 ↔ 192.168.7.1:1883');
    const packets = diagram.getByTestId('capture-packet');
    expect(await packets.evaluateAll((b) => b.map((x) => x.getAttribute('data-type')))).toEqual(['CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK']);
    expect(await diagram.textContent()).toContain('+0.');
    await packets.nth(2).click();
    await expect.poll(() => page.locator('[role="tree"] [data-path="topic"]').textContent(), { timeout: 60_000 }).toContain('plant/line-1/temp');
    expect(await page.getByTestId('hd-status').textContent()).toContain('5.0');
    expect(await axeViolations(page, '[data-testid="capture"]')).toEqual([]);
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('takes a dropped file, and says where a damaged capture breaks while listing what came before (English)', async () => {
    const frames = session(50003, 'before-the-cut', 4);
    const whole = pcapFile(frames);
    const cut = whole.subarray(0, whole.length - 5);
    const page = await open('/tools/hex-decoder/');
    await page.evaluate((bytes) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], 'cut.pcap'));
      const zone = document.querySelector('[data-testid="capture-drop"]')!;
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, [...cut]);
    await expect.poll(() => page.getByTestId('capture').textContent(), { timeout: 60_000 }).toMatch(/The file is cut short at byte [\d,]+, in record 9\./);
    expect(await page.getByTestId('capture-connection').first().textContent()).toContain('before-the-cut');
    await page.close();
  });

  it('reads a 100 MB capture in a worker, showing progress, while the page keeps answering', { timeout: 180_000 }, async () => {
    const file = writeCapture('big.pcapng', buildBenchCapture(100 * 1024 * 1024));
    const page = await open('/tools/hex-decoder/');
    // Every progress text the page shows, however briefly.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { progressSeen: string[] }).progressSeen = seen;
      new MutationObserver(() => {
        const text = document.querySelector('[data-testid="capture-progress"]')?.textContent;
        if (text && seen[seen.length - 1] !== text) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByTestId('capture-file').setInputFiles(file);
    await page.getByTestId('capture-progress').waitFor();
    // While the worker reads, timers on the page still fire on time.
    const worstDelay = await page.evaluate(() => new Promise<number>((resolve) => {
      let last = performance.now();
      let worst = 0;
      const end = last + 1500;
      const tick = () => {
        const now = performance.now();
        worst = Math.max(worst, now - last);
        last = now;
        if (now < end && document.querySelector('[data-testid="capture-progress"]') !== null) setTimeout(tick, 10);
        else resolve(worst);
      };
      setTimeout(tick, 10);
    }));
    expect(worstDelay).toBeLessThan(500);
    await expect.poll(() => page.getByTestId('capture-summary').textContent().catch(() => ''), { timeout: 150_000 }).toMatch(/big\.pcapng: pcapng, [\d,]+ frames, [\d,]+ connections/);
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
    expect(seen.some((text) => /Reading big\.pcapng: [1-9]\d?%/.test(text)), seen.join(' | ')).toBe(true);
    expect(await page.getByTestId('capture-connection').count()).toBeGreaterThan(5);
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('reads a capture on the Chinese page with Chinese labels', async () => {
    const file = writeCapture('zh.pcap', pcapFile(session(50004, '传感器-1', 5)));
    const page = await open('/zh-cn/tools/hex-decoder/');
    expect(await page.getByTestId('capture').locator('h3').textContent()).toBe('打开抓包文件');
    await page.getByTestId('capture-file').setInputFiles(file);
    await expect.poll(() => page.getByTestId('capture-summary').textContent(), { timeout: 60_000 }).toContain('zh.pcap：pcap，共 9 帧，其中 1 条连接承载 MQTT 或 TLS。');
    expect(await page.getByTestId('capture-connections').textContent()).toContain('客户端标识符');
    expect(await page.getByTestId('capture-connection').first().textContent()).toContain('传感器-1');
    const packets = page.getByTestId('capture-packet');
    await expect.poll(() => packets.count(), { timeout: 60_000 }).toBe(4);
    expect(await packets.nth(2).textContent()).toContain('主题 plant/line-1/temp');
    await packets.nth(2).click();
    await expect.poll(() => page.locator('[role="tree"] [data-path="topic"]').textContent(), { timeout: 60_000 }).toContain('plant/line-1/temp');
    expect(page.errors).toEqual([]);
    await page.close();
  });
});

/** A 3.1.1 session whose client publishes at QoS 2 with packet id 4242, then QoS 1 with id 5. */
function qos2Session(clientPort: number): BuiltFrame[] {
  const conv = new TcpConversation({ client: { ip: '192.168.7.30', port: clientPort }, broker: { ip: '192.168.7.1', port: 1883 }, startSec: 1_700_000_000 });
  return [
    ...conv.handshake(),
    ...conv.send('client', bytesOf({ type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 4, cleanSession: true, keepAlive: 60, clientId: 'exactly-once' })),
    ...conv.send('broker', bytesOf({ type: 'CONNACK', sessionPresent: false, reasonCode: 0 })),
    ...conv.send('client', bytesOf({ type: 'PUBLISH', dup: false, qos: 2, retain: false, topic: 'plant/valve', packetId: 4242, payload: ascii('open') })),
    ...conv.send('broker', bytesOf({ type: 'PUBREC', packetId: 4242 })),
    ...conv.send('client', bytesOf({ type: 'PUBREL', packetId: 4242 })),
    ...conv.send('broker', bytesOf({ type: 'PUBCOMP', packetId: 4242 })),
    ...conv.send('client', bytesOf({ type: 'PUBLISH', dup: false, qos: 1, retain: false, topic: 'plant/valve', packetId: 5, payload: ascii('shut') })),
    ...conv.send('broker', bytesOf({ type: 'PUBACK', packetId: 5 })),
    ...conv.close(),
  ];
}

describe('replaying a QoS exchange from a capture in the QoS animator', { timeout: 120_000 }, () => {
  for (const lang of ['en', 'zh-cn'] as const) {
    it(`offers each QoS 1/2 exchange and replays the QoS 2 one read-only, step by step, with its packet id and times (${lang})`, async () => {
      const prefix = lang === 'en' ? '' : '/zh-cn';
      const file = writeCapture(`qos2-${lang}.pcap`, pcapFile(qos2Session(50010)));
      const page = await open(`${prefix}/tools/hex-decoder/`);
      await page.getByTestId('capture-file').setInputFiles(file);
      const links = page.getByTestId('capture-replay');
      await expect.poll(() => links.count(), { timeout: 60_000 }).toBe(2);
      expect(await links.evaluateAll((a) => a.map((x) => `${x.getAttribute('data-qos')}:${x.getAttribute('data-packet-id')}`))).toEqual(['2:4242', '1:5']);
      expect(await links.nth(0).textContent()).toBe(lang === 'en'
        ? 'Replay in the QoS animator: QoS 2, id 4242, client → broker, 4 packets'
        : '在 QoS 动画中回放：QoS 2，标识符 4242，客户端 → Broker，4 个报文');
      await links.nth(0).click();
      await page.waitForURL(new RegExp(`${prefix}/tools/qos-animator/#replay=2&id=4242&`));
      const banner = page.getByTestId('replay-banner');
      await banner.waitFor();
      expect(await banner.textContent()).toContain(lang === 'en' ? 'Recorded exchange, read-only: stream 0' : '只读回放');
      // Faults and connection cuts would rewrite history: off, with the reason beside them.
      for (const id of ['fault-drop', 'fault-duplicate', 'fault-delay', 'cut-publisher']) expect(await page.getByTestId(id).isDisabled(), id).toBe(true);
      expect(await page.getByTestId('replay-disabled-note').textContent()).toBe(lang === 'en' ? 'Not available while replaying a recorded exchange.' : '回放录下的交互时不可用。');
      const step = page.getByTestId('step');
      // The banner is drawn only once the island has read the hash: the page is hydrated.
      for (let i = 0; i < 4; i++) await step.click();
      const rows = page.locator('[data-testid="history"] li');
      await expect.poll(() => rows.count()).toBe(4);
      expect(await rows.evaluateAll((li) => li.map((x) => x.getAttribute('data-type')))).toEqual(['PUBLISH', 'PUBREC', 'PUBREL', 'PUBCOMP']);
      // The built capture spaces frames 1 ms apart: PUBREC 1 ms after the PUBLISH, PUBCOMP 3 ms after.
      expect(await rows.evaluateAll((li) => li.map((x) => x.getAttribute('data-time')))).toEqual(['0', '0.001', '0.002', '0.003']);
      const history = await page.getByTestId('history').textContent();
      for (const type of ['PUBLISH', 'PUBREC', 'PUBREL', 'PUBCOMP']) expect(history).toContain(lang === 'en' ? `${type} id 4242` : `${type} 标识符 4242`);
      expect(history).toContain(lang === 'en' ? '+0.003000 s' : '+0.003000 秒');
      expect(await step.isDisabled()).toBe(true);
      expect(await page.getByTestId('complete').isVisible()).toBe(true);
      expect(await page.getByTestId('narration').textContent()).toContain(lang === 'en' ? 'the QoS 2 exchange is complete' : 'QoS 2 交互完成');
      expect(page.url()).toContain('&at=4');
      if (lang === 'zh-cn') {
        // No English sentence left in the Chinese replay: only packet names, MQTT, QoS and the data stay in Latin letters.
        let rest = (await page.getByTestId('qos-animator').textContent())!;
        for (const token of ['PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'MQTT', 'QoS', 'Broker', 'plant/valve']) rest = rest.split(token).join(' ');
        expect(rest.match(/[A-Za-z][A-Za-z'’-]+(?:[ ,]+[A-Za-z][A-Za-z'’-]+)+/g) ?? []).toEqual([]);
      }
      // Back steps through it like the simulator.
      await page.getByTestId('back').click();
      await expect.poll(() => rows.count()).toBe(3);
      expect(await axeViolations(page, '[data-testid="qos-animator"]')).toEqual([]);
      expect(page.errors).toEqual([]);
      await page.close();
    });
  }

  it('opens the same replay in the embed, and answers a tampered hash with a message, not a crash', async () => {
    const frames = qos2Session(50011);
    const file = writeCapture('qos2-embed.pcap', pcapFile(frames));
    const page = await open('/tools/hex-decoder/');
    await page.getByTestId('capture-file').setInputFiles(file);
    const link = page.getByTestId('capture-replay').first();
    await link.waitFor({ timeout: 60_000 });
    const hash = new URL((await link.getAttribute('href'))!, site.url).hash;
    await page.goto(`${site.url}/embed/qos-animator/${hash}`);
    await page.getByTestId('replay-banner').waitFor();
    expect(await page.getByTestId('replay-summary').textContent()).toContain('QoS 2, packet id 4242');
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${site.url}/tools/qos-animator/${hash.replace('id=4242', 'id=99999')}`);
    const alert = page.locator('[data-testid="qos-animator"] [role="alert"]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('packet id "99999" is not a number from 1 to 65535');
    expect(await page.getByTestId('replay-banner').count()).toBe(0);
    expect(await page.getByTestId('step').isVisible()).toBe(true);
    expect([...page.errors, ...errors]).toEqual([]);
    await page.close();
  });
});
