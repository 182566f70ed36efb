// An S3-protocol server for local distributed runs (no MinIO binary can be installed on our
// machines): the same s3rver-based server the contract tests use, on S3_PORT (default 9000).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { startS3Server } = require('../../packages/testing/dist/s3/start-s3-server.js');
const port = Number(process.env.S3_PORT ?? 9000);
const server = await startS3Server({ port });
process.stdout.write(`s3 server on http://127.0.0.1:${server.port} (access key ${server.accessKey})\n`);
const stop = () => server.stop().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
