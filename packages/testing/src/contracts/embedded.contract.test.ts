import { InProcessJobBus } from '@easel/jobs';
import { LocalArtifactStore } from '@easel/storage';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedDatabase } from '@easel/db';
import { artifactStoreContract } from './artifact-store.contract';
import { databaseContract } from './database.contract';
import { jobBusContract } from './job-bus.contract';

jobBusContract('in-process', { create: async () => new InProcessJobBus() });

let root = '';
artifactStoreContract('local filesystem', {
  signsUrls: false,
  create: async () => new LocalArtifactStore((root = await mkdtemp(join(tmpdir(), 'easel-store-')))),
  cleanup: async () => rm(root, { recursive: true, force: true }),
});

databaseContract('embedded PGlite', { create: () => openEmbeddedDatabase() });

describe('LocalArtifactStore on a filesystem short of space', () => {
  it('reports itself not writable, with its free bytes and why, once free space falls under its reserve', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'easel-store-'));
    try {
      const roomy = await new LocalArtifactStore(dir, 1).health();
      expect(roomy).toMatchObject({ writable: true, freeBytes: expect.any(Number) });
      // A reserve larger than any disk: the same filesystem, now too full for it.
      const full = await new LocalArtifactStore(dir, Number.MAX_SAFE_INTEGER).health();
      expect(full).toMatchObject({
        writable: false,
        freeBytes: roomy.freeBytes === null ? null : expect.any(Number),
        reason: expect.stringContaining('bytes free'),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
