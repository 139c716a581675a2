/**
 * The test host's server: /embed-host/… from this folder (a course page that embeds the widgets),
 * everything else from the built site (dist/, or SITE_DIST), on one origin at a free port.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';

const HOST_DIR = new URL('./', import.meta.url).pathname;
/** The built site, as in test/support/static-server.ts: dist/, or SITE_DIST for another build. */
const DIST = process.env.SITE_DIST !== undefined ? join(process.env.SITE_DIST, '/') : new URL('../../dist/', import.meta.url).pathname;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.svg': 'image/svg+xml', '.json': 'application/json', '.wasm': 'application/wasm', '.woff2': 'font/woff2',
};

export async function serveEmbedHost(): Promise<{ url: string; close: () => Promise<void> }> {
  if (!existsSync(join(DIST, 'embed', 'hex-decoder', 'index.html'))) throw new Error(`${DIST} has no embed pages: build the site first`);
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const [root, rest] = path.startsWith('/embed-host/') ? [HOST_DIR, path.slice('/embed-host/'.length)] : [DIST, path];
    let file = normalize(join(root, rest));
    if (!file.startsWith(root)) { response.writeHead(403).end(); return; }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) { response.writeHead(404, { 'content-type': 'text/plain' }).end('not found'); return; }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
