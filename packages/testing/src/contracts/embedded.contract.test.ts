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
