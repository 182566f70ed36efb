import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A 127.0.0.1 HTTP server answering `files[path]` (404 otherwise). Reachable only through EASEL_FETCH_ALLOW_HOSTS-style allow lists. */
export async function serveFiles(files: Record<string, Buffer>): Promise<{ url: (path: string) => string; close: () => Promise<void>; server: Server }> {
  const server = createServer((req, res) => {
    const body = files[req.url ?? ''];
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: (path) => `http://127.0.0.1:${port}${path}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

