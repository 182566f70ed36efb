import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { EaselConfig } from '@easel/config';
import { artifactKey, artifactTokenFor } from '@easel/contracts';
import { ArtifactsRepository, type Database } from '@easel/db';
import type { ArtifactStore } from '@easel/storage';
import { LinkExpiredError, NotFoundError } from '../common/api-errors';
import { ARTIFACT_STORE, CONFIG, DATABASE } from '../tokens';

/** `<job id>-<index>.<ext>`, the file name an output link ends with. */
const FILE = /^(\d{1,10})-(\d{1,3})\.([a-z0-9]{1,12})$/;
/** Job tokens are 18 random bytes in base64url (generation.service.ts); anything else is not worth a query. */
const TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

export type ResolvedLink =
  | { kind: 'redirect'; url: string }
  | { kind: 'file'; body: Readable; contentType: string; size: number; cacheControl: string };

/**
 * Turns an output link (`/output/<job token>/<job>-<i>.<ext>`) into the file behind it.
 * The token is random per job and resolves to that job's row only; the object served is the
 * one the row's own tenant and job name, so no token can reach another tenant's file.
 * `temp: yes` links end at their expiry (410). With a store that signs URLs (S3) the answer
 * is a redirect to a fresh short-lived pre-signed GET, so the stable link keeps working while
 * S3 itself enforces each signed URL's expiry.
 */
@Injectable()
export class ArtifactLinksService {
  private readonly artifacts: ArtifactsRepository;

  constructor(
    @Inject(DATABASE) db: Database,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    @Inject(CONFIG) private readonly config: EaselConfig,
  ) {
    this.artifacts = new ArtifactsRepository(db.prisma);
  }

  async resolve(token: string, file: string, now = new Date()): Promise<ResolvedLink> {
    const match = FILE.exec(file);
    if (!match || !TOKEN.test(token)) throw new NotFoundError('Not found');
    const [, jobId, index, extension] = match;
    const artifact = await this.artifacts.findByToken(artifactTokenFor(token, Number(index)));
    if (
      !artifact ||
      String(artifact.jobId) !== jobId ||
      artifact.index !== Number(index) ||
      artifact.storageKey !== artifactKey(artifact.tenantId, artifact.jobId, artifact.index, extension)
    ) {
      throw new NotFoundError('Not found');
    }
    const secondsLeft = artifact.expiresAt ? (artifact.expiresAt.getTime() - now.getTime()) / 1000 : Infinity;
    if (secondsLeft <= 0) throw new LinkExpiredError();

    const signFor = Math.max(1, Math.floor(Math.min(this.config.EASEL_SIGNED_URL_TTL_S, secondsLeft)));
    const url = await this.store.presignedGetUrl(artifact.storageKey, signFor);
    if (url) return { kind: 'redirect', url };
    const { body, info } = await this.store.get(artifact.storageKey);
    const cacheControl = artifact.expiresAt ? 'private, no-store' : 'public, max-age=31536000, immutable';
    return { kind: 'file', body, contentType: info.contentType, size: info.size, cacheControl };
  }
}
