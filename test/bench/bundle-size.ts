/**
 * The codec's cost to a browser page: bundle src/mqtt/codec for the browser with esbuild
 * (minified, tree-shaken from its public entry) and gzip it. For comparison, mqtt-packet
 * bundled the same way with the Node shims a browser build needs (buffer, events, process…).
 */
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export async function bundleSize(entry: string, options: { contents?: string } = {}): Promise<{ raw: number; gzip: number }> {
  const result = await build({
    ...(options.contents !== undefined
      ? { stdin: { contents: options.contents, resolveDir: root, loader: 'ts' } }
      : { entryPoints: [entry] }),
    bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, absWorkingDir: root, logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return { raw: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

export async function codecBundleSizes(): Promise<Array<{ name: string; raw: number; gzip: number; limit?: number }>> {
  const ours = await bundleSize('src/mqtt/codec/index.ts');
  return [{ name: 'src/mqtt/codec (whole public API)', ...ours, limit: 15 * 1024 }];
}

export function printSizes(rows: Array<{ name: string; raw: number; gzip: number; limit?: number }>): void {
  console.log('\nBrowser bundle sizes (esbuild, minified, gzip -9)');
  for (const r of rows) {
    const verdict = r.limit === undefined ? '' : r.gzip <= r.limit ? `within ${(r.limit / 1024).toFixed(0)} kB` : `OVER ${(r.limit / 1024).toFixed(0)} kB`;
    console.log(`${r.name.padEnd(44)} ${(r.raw / 1024).toFixed(1).padStart(7)} kB raw  ${(r.gzip / 1024).toFixed(1).padStart(6)} kB gzip  ${verdict}`);
  }
}
