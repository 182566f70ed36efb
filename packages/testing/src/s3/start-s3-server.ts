import S3rver from '@20minutes/s3rver';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestS3Server {
  endPoint: string;
  port: number;
  accessKey: string;
  secretKey: string;
  /** Multipart uploads started so far: shows that a large stream really went up in parts. */
  multipartUploads(): number;
  stop(): Promise<void>;
}

/** s3rver's built-in account. */
const CREDENTIALS = { accessKey: 'S3RVER', secretKey: 'S3RVER' };

const xmlReply = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;

/**
 * An S3-protocol server for tests (no MinIO binary can be installed here): s3rver on
 * 127.0.0.1, a random port and a fresh temp directory. It checks V4 signatures, headers
 * and pre-signed URLs alike; two shims make it answer like a MinIO bucket would:
 * unsigned requests are refused (buckets are private), and ListMultipartUploads, which
 * the minio client asks before every streamed upload, answers "none in progress".
 */
export async function startS3Server(options: { port?: number } = {}): Promise<TestS3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'easel-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: options.port ?? 0, silent: true, directory });
  let multipartUploads = 0;
  server.middleware.unshift(async (context, next) => {
    const signed = 'authorization' in context.headers || 'X-Amz-Algorithm' in context.query || 'Signature' in context.query;
    if (!signed) {
      context.status = 403;
      context.type = 'application/xml';
      context.body = xmlReply('<Error><Code>AccessDenied</Code><Message>Access Denied.</Message></Error>');
      return;
    }
    if ('uploads' in context.query && context.method === 'GET') {
      context.type = 'application/xml';
      context.body = xmlReply('<ListMultipartUploadsResult><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>');
      return;
    }
    if ('uploads' in context.query && context.method === 'POST') multipartUploads += 1;
    await next();
  });
  try {
    const { port } = await server.run();
    return {
      endPoint: '127.0.0.1',
      port,
      ...CREDENTIALS,
      multipartUploads: () => multipartUploads,
      stop: async () => {
        await server.close();
        await rm(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}
