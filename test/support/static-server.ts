/** Serves the built site (dist/) on 127.0.0.1 at a free port, for browser tests. */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { createGzip } from 'node:zlib';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json',
  '.woff2': 'font/woff2', '.txt': 'text/plain', '.xml': 'application/xml', '.wasm': 'application/wasm',
  '.pf_meta': 'application/octet-stream', '.pf_fragment': 'application/octet-stream', '.pf_index': 'application/octet-stream',
};

/** The built site; SITE_DIST=/some/dir serves another build (e.g. one made with `astro build --outDir`). */
export const DIST = process.env.SITE_DIST !== undefined ? join(process.env.SITE_DIST, '/') : new URL('../../dist/', import.meta.url).pathname;

/** Types worth compressing when `compress` is on (fonts, images and Pagefind's files are compressed already). */
const TEXT = /^(text\/|application\/(json|xml)|image\/svg)/;

/**
 * `compress: true` sends text gzipped to a client that accepts it, as any real host does: the
 * Lighthouse suite measures transfer over a simulated slow network, where the uncompressed
 * bytes would be a server's cost, not the site's.
 */
export async function serveDist(options: { compress?: boolean } = {}): Promise<{ url: string; close: () => Promise<void> }> {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error('dist/ has no index.html: run `npm run build` first (npm test does it)');
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    let file = normalize(join(DIST, path));
    if (!file.startsWith(DIST)) { response.writeHead(403).end(); return; }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) { response.writeHead(404, { 'content-type': 'text/plain' }).end('not found'); return; }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    if (options.compress === true && TEXT.test(type) && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
      response.writeHead(200, { 'content-type': type, 'content-encoding': 'gzip', vary: 'accept-encoding' });
      createReadStream(file).pipe(createGzip()).pipe(response);
      return;
    }
    response.writeHead(200, { 'content-type': type });
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
