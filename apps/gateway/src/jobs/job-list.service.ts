import { Inject, Injectable } from '@nestjs/common';
import type { EaselConfig } from '@easel/config';
import type { JobPagePosition } from '@easel/db';
import { ValidationError } from '../common/api-errors';
import { FieldReader } from '../common/request/field-reader';
import { CONFIG } from '../tokens';
import { storedRequest } from './job-message';
import { DEFAULT_FETCH_PATH, artifactExtension, outputUrl, type JobWithArtifacts } from './job-responses';
import { JobsService } from './jobs.service';
import { ServiceRegistry } from './service-registry';

export const JOB_LIST_LIMITS = { default: 20, min: 1, max: 100 } as const;
/** A cursor is ours to read back: an ISO timestamp and an id, so anything longer is not one. */
const MAX_CURSOR_CHARACTERS = 64;
const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)~(\d{1,15})$/;

/** One job in the listing: what its fetch answer says, in links only (never base64), plus when and what. */
export interface JobListItem {
  id: number;
  kind: string;
  status: 'success' | 'processing' | 'failed';
  created_at: string;
  finished_at: string | null;
  output: string[];
  /** The first output that is an image, for a gallery; null when there is none (yet). */
  thumbnail: string | null;
  meta: Record<string, unknown>;
  fetch_result: string;
  error?: string;
  track_id?: string;
}

export interface JobList {
  status: 'success';
  jobs: JobListItem[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  next_cursor: string | null;
}

const encodeCursor = (job: JobPagePosition) =>
  Buffer.from(`${job.createdAt.toISOString()}~${job.id}`).toString('base64url');

function decodeCursor(cursor: string): JobPagePosition | undefined {
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) return undefined;
  const createdAt = new Date(match[1]);
  const id = Number(match[2]);
  return Number.isNaN(createdAt.getTime()) || !Number.isSafeInteger(id) ? undefined : { createdAt, id };
}

/**
 * Easel's addition: a tenant's recent jobs of every service, newest first, a page at a time
 * (keyset on created_at and id, so a page is as cheap deep in the history as at its start and
 * jobs that arrive meanwhile do not shift it).
 */
@Injectable()
export class JobListService {
  constructor(
    private readonly jobs: JobsService,
    private readonly registry: ServiceRegistry,
    @Inject(CONFIG) private readonly config: EaselConfig,
  ) {}

  /** `query` is the request's query string (`limit`, `cursor`); bad values are a ValidationError naming them. */
  async list(tenantId: string, query: unknown): Promise<JobList> {
    const { limit, after } = this.readQuery(query);
    // One row more than the page tells whether another page follows.
    const rows = await this.jobs.repository.listForTenant(tenantId, limit + 1, after);
    const page = rows.slice(0, limit);
    return {
      status: 'success',
      jobs: page.map((job) => this.item(job)),
      next_cursor: rows.length > limit ? encodeCursor(page.at(-1)!) : null,
    };
  }

  private readQuery(query: unknown): { limit: number; after?: JobPagePosition } {
    const fields = new FieldReader(query);
    const limit = fields.integer('limit', JOB_LIST_LIMITS, JOB_LIST_LIMITS.default);
    const cursor = fields.text('cursor', MAX_CURSOR_CHARACTERS);
    const after = cursor === null || fields.hasErrors('cursor') ? undefined : decodeCursor(cursor);
    if (cursor !== null && !after && !fields.hasErrors('cursor'))
      fields.fail('cursor', 'The cursor must be a next_cursor this endpoint returned.');
    if (fields.hasErrors()) throw new ValidationError(fields.errors);
    return { limit, after };
  }

  private item(job: JobWithArtifacts): JobListItem {
    const { publicUrl } = this.config;
    const definition = this.registry.forKind(job.kind);
    const stored = storedRequest(job);
    const status = job.status === 'success' ? 'success' : job.status === 'failed' ? 'failed' : 'processing';
    const links = job.artifacts.map((a) => ({
      url: outputUrl(publicUrl, stored.artifactToken, job.id, a.index, artifactExtension(a, stored.extension)),
      image: a.contentType.startsWith('image/'),
    }));
    return {
      id: job.id,
      kind: job.kind,
      status,
      created_at: job.createdAt.toISOString(),
      finished_at: job.finishedAt?.toISOString() ?? null,
      output: links.map((l) => l.url),
      thumbnail: links.find((l) => l.image)?.url ?? null,
      // As fetch shows it: a success's meta; nothing yet for a job not ended, nothing for a failure.
      meta: status === 'success' ? definition.successMeta(job) : {},
      fetch_result: `${publicUrl}${definition.fetchPath ?? DEFAULT_FETCH_PATH}/${job.id}`,
      ...(status === 'failed' ? { error: job.error ?? 'unknown error' } : {}),
      ...(job.trackId === null ? {} : { track_id: job.trackId }),
    };
  }
}
