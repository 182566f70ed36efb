import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A 127.0.0.1 HTTP server answering `files[path]` (404 otherwise). Reachable only through EASEL_FETCH_ALLOW_HOSTS-style allow lists. */
export async function serveFiles(
  files: Record<string, Buffer>,
): Promise<{ url: (path: string) => string; close: () => Promise<void>; server: Server }> {
  const server = createServer((req, res) => {
    const body = files[req.url ?? ''];
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length })
      .end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The zip with the named entries claiming `declaredSize` uncompressed bytes, in their local and central headers alike (a zip bomb's trick). */
export function withLyingSizes(zip: Uint8Array, names: readonly string[], declaredSize: number): Buffer {
  const out = Buffer.from(zip);
  const endOfDirectory = out.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let entry = out.readUInt32LE(endOfDirectory + 16);
  for (let i = out.readUInt16LE(endOfDirectory + 10); i > 0; i--) {
    const nameLength = out.readUInt16LE(entry + 28);
    const name = out.toString('utf8', entry + 46, entry + 46 + nameLength);
    if (names.includes(name)) {
      out.writeUInt32LE(declaredSize, entry + 24);
      out.writeUInt32LE(declaredSize, out.readUInt32LE(entry + 42) + 22);
    }
    entry += 46 + nameLength + out.readUInt16LE(entry + 30) + out.readUInt16LE(entry + 32);
  }
  return out;
}
