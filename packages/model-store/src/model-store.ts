import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import type { Database } from '@easel/db';
import type { ArtifactStore } from '@easel/storage';
import { SafeFetchError } from '@easel/safe-fetch';
import { ModelLoadError } from './archive';
import { downloadModel } from './download';
import { findModelRoot, verifyLora } from './verify-model';
import { MODEL_ID_PATTERN, type ModelCatalog, type ModelCategory, type ModelEntry } from './model-catalog';
import { parseModelFamily, readModelTraits } from './model-traits';

export interface ModelStoreOptions {
  /** Where uploaded models live: `<filesDir>/<tenant id>/<model id>/` (embedded mode: $EASEL_HOME/models). */
  filesDir: string;
  /** Hosts a model URL may reach although private (EASEL_FETCH_ALLOW_HOSTS; tests). */
  allowHosts?: readonly string[];
  /** Largest download (bytes; it streams to a file beside the model's directory). Default 2 GiB. */
  maxDownloadBytes?: number;
  /** Largest unpacked model (bytes). Default 8 GiB. */
  maxUnpackedBytes?: number;
  downloadTimeoutMs?: number;
  log?: (line: string) => void;
  /**
   * Distributed mode: keep the verified files in the artifact store (`models/<tenant>/<model>/<upload>/…`)
   * instead of `filesDir` (then only a staging area), and sync them to `cacheDir` on first use.
   */
  artifacts?: ArtifactStore;
  cacheDir?: string;
}

/** Locations of models kept in the artifact store start with this. */
export const ARTIFACT_LOCATION = 'artifact:';

export interface LoadModelRequest {
  tenantId: string;
  modelId: string;
  category: ModelCategory;
  /** diffusers | onnx (an archive of the ONNX directory) for stable_diffusion; safetensors for lora / embeddings; onnx (one graph) for face_restore. */
  format: string;
  visibility: 'private' | 'public';
  url: string;
  revision: string | null;
}

/** A model a training produced, registered for its tenant only (ModelStore.addTrained). */
export interface TrainedModel {
  tenantId: string;
  modelId: string;
  category: 'lora' | 'stable_diffusion';
  /** The LoRA's .safetensors file, or the model's directory in the ONNX layout. */
  path: string;
  /** Where it came from (`training:<job id>`): a redelivered training finds its own model again. */
  source: string;
}

/** A load that cannot start: the id is taken (bundled, or this tenant's and not failed). */
export class ModelConflictError extends Error {
  constructor(readonly modelId: string) {
    super(`The model id ${modelId} is already in use.`);
    this.name = 'ModelConflictError';
  }
}

const MODEL_ID_LOCK_SPACE = 0x45534d49; // 'ESMI'

type Row = { id: string; modelId: string; tenantId: string | null; category: string; status: string; visibility: string; location: string; error: string | null; family: string | null; refiner: string | null };

const NO_TRAITS = { family: null, refiner: null } as const;

/**
 * The model registry: the bundled catalog plus models tenants load from URLs, recorded in the
 * database (`models`), their files under `filesDir`. A tenant sees the bundled models, every
 * public model and its own private ones; its own take precedence over a public one of the same id.
 * Loads run in the background (download with the SSRF rules, verify, unpack); their status
 * (loading / ready / failed with the reason) is what `list` reports.
 */
export class ModelStore implements ModelCatalog {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly syncing = new Map<string, Promise<string>>();
  private readonly options: Required<Omit<ModelStoreOptions, 'log' | 'artifacts' | 'cacheDir'>> & Pick<ModelStoreOptions, 'artifacts' | 'cacheDir'> & { log: (line: string) => void };

  constructor(
    private readonly db: Database,
    private readonly bundled: ModelCatalog,
    options: ModelStoreOptions,
  ) {
    this.options = {
      allowHosts: [],
      maxDownloadBytes: 2 * 1024 ** 3,
      maxUnpackedBytes: 8 * 1024 ** 3,
      downloadTimeoutMs: 10 * 60_000,
      log: () => undefined,
      ...options,
    };
  }

  /** One entry per id, the one `find` would pick: the tenant's own, else the oldest public, else the bundled one. */
  async list(tenantId: string): Promise<ModelEntry[]> {
    const rows = await this.db.prisma.model.findMany({ where: { OR: [{ tenantId }, { visibility: 'public' }] }, orderBy: { createdAt: 'asc' } });
    const own = new Set(rows.filter((r) => r.tenantId === tenantId).map((r) => r.modelId));
    const seen = new Set<string>();
    const visible = rows.filter((r) => {
      if ((r.tenantId !== tenantId && own.has(r.modelId)) || seen.has(r.modelId)) return false;
      seen.add(r.modelId);
      return true;
    });
    const bundled = (await this.bundled.list(tenantId)).filter((m) => !seen.has(m.modelId));
    return [...bundled, ...visible.map(toEntry)];
  }

  async find(tenantId: string, modelId: string): Promise<ModelEntry | null> {
    if (!MODEL_ID_PATTERN.test(modelId)) return null;
    const rows = await this.db.prisma.model.findMany({ where: { modelId, status: 'ready', OR: [{ tenantId }, { visibility: 'public' }] }, orderBy: { createdAt: 'asc' } });
    const own = rows.find((r) => r.tenantId === tenantId) ?? rows[0];
    return own ? toEntry(own) : this.bundled.find(tenantId, modelId);
  }

  /**
   * Registers the model as `loading` and loads it in the background; throws ModelConflictError when
   * the id would name two models for some tenant: it is bundled, the loader's own and not failed,
   * another tenant's public one, or (loading a public model) any tenant's live model.
   */
  async startLoad(req: LoadModelRequest): Promise<void> {
    if (await this.bundled.find(req.tenantId, req.modelId)) throw new ModelConflictError(req.modelId);
    const dir = join(this.options.filesDir, req.tenantId, req.modelId);
    const row = await this.claim(req.tenantId, req.modelId, req.visibility, {
      category: req.category, format: req.format, status: 'loading', source: req.url, revision: req.revision, location: dir,
    });
    const task = this.load(row.id, req, dir).finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  }

  /** Whether `modelId` is free for a new private model of this tenant (a training checks before it starts). */
  async isFree(tenantId: string, modelId: string): Promise<boolean> {
    if (await this.bundled.find(tenantId, modelId)) return false;
    const live = await this.db.prisma.model.findMany({ where: { modelId, status: { not: 'failed' } } });
    return !live.some((m) => m.tenantId === tenantId || m.visibility === 'public');
  }

  /**
   * Verifies a trained model's files, keeps them where this store keeps models and registers them
   * `ready` for the tenant only. Idempotent per `source`: a training delivered twice gets the model
   * its first delivery registered. Throws ModelConflictError when the id was taken meanwhile.
   */
  async addTrained(model: TrainedModel): Promise<ModelEntry> {
    const existing = await this.db.prisma.model.findFirst({ where: { tenantId: model.tenantId, modelId: model.modelId, source: model.source, status: 'ready' } });
    if (existing) return toEntry(existing);
    // Checked before any file is written: in embedded mode the directory is the live model's own.
    if (!(await this.isFree(model.tenantId, model.modelId))) throw new ModelConflictError(model.modelId);
    const dir = join(this.options.filesDir, model.tenantId, model.modelId);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    let location: string;
    if (model.category === 'lora') {
      const bytes = await readFile(model.path);
      verifyLora(bytes);
      location = join(dir, 'lora.safetensors');
      await writeFile(location, bytes);
    } else {
      const root = await findModelRoot(model.path);
      await cp(root, dir, { recursive: true });
      location = await findModelRoot(dir);
    }
    // Read before the upload: in distributed mode the files leave this machine.
    const traits = model.category === 'stable_diffusion' ? await readModelTraits(location) : NO_TRAITS;
    if (this.options.artifacts) location = await this.upload(model, location, dir);
    const row = await this.claim(model.tenantId, model.modelId, 'private', {
      category: model.category, format: model.category === 'lora' ? 'safetensors' : 'onnx', status: 'ready', source: model.source, revision: null, location, ...traits,
    });
    this.options.log(`model ${model.modelId} (${model.category}) trained for tenant ${model.tenantId} is ready at ${location}`);
    return toEntry(row);
  }

  /** Deletes one of the tenant's own models (row and files); false when it has none of that id. */
  async delete(tenantId: string, modelId: string): Promise<boolean> {
    const row = await this.db.prisma.model.findFirst({ where: { tenantId, modelId } });
    if (!row) return false;
    await this.db.prisma.model.delete({ where: { id: row.id } });
    await rm(join(this.options.filesDir, tenantId, modelId), { recursive: true, force: true });
    const { artifacts, cacheDir } = this.options;
    if (artifacts) {
      const prefix = `models/${tenantId}/${modelId}/`;
      for (const key of await artifacts.list(prefix)) await artifacts.delete(key);
      if (cacheDir) await rm(join(cacheDir, 'models', tenantId, modelId), { recursive: true, force: true });
    }
    return true;
  }

  /** The entry's local files: as they are, or (artifact store) synced once into `cacheDir`. */
  async materialize(entry: ModelEntry): Promise<string> {
    const local = this.localCopyOf(entry.location);
    if (local === null) return entry.location;
    if (existsSync(`${local}.synced`)) return local;
    const { artifacts } = this.options;
    if (!artifacts) throw new Error(`model ${entry.modelId} is kept in the artifact store, but this process has none configured`);
    const key = entry.location.slice(ARTIFACT_LOCATION.length);
    let p = this.syncing.get(local);
    if (!p) {
      p = (async () => {
        const keys = await artifacts.list(`${key}/`);
        // A directory (stable_diffusion) or a single file (lora / embeddings).
        for (const k of keys.length > 0 ? keys : [key]) {
          const target = this.localCopyOf(`${ARTIFACT_LOCATION}${k}`)!;
          await mkdir(dirname(target), { recursive: true });
          await writeFile(target, await artifacts.getBuffer(k));
        }
        await writeFile(`${local}.synced`, '');
        this.options.log(`model ${entry.modelId}: ${keys.length || 1} file(s) synced from the artifact store to ${local}`);
        return local;
      })().finally(() => this.syncing.delete(local));
      this.syncing.set(local, p);
    }
    return p;
  }

  localCopyOf(location: string): string | null {
    if (!location.startsWith(ARTIFACT_LOCATION)) return null;
    const { cacheDir } = this.options;
    if (!cacheDir) throw new Error(`${location} is kept in the artifact store, but this process has none configured (S3 and a cache directory)`);
    return join(cacheDir, ...location.slice(ARTIFACT_LOCATION.length).split('/'));
  }

  async removeLocalCopy(location: string): Promise<void> {
    const local = this.localCopyOf(location);
    if (local === null) return;
    // The marker first: a copy without it is synced again rather than trusted half-removed.
    await rm(`${local}.synced`, { force: true });
    await rm(local, { recursive: true, force: true });
  }

  /** Resolves when every background load has ended (tests, shutdown). */
  async whenIdle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Records a model row under `modelId` for the tenant, or throws ModelConflictError when the id
   * would name two models for some tenant: the loader's own and not failed, another tenant's
   * public one, or (a public model) any tenant's live model.
   */
  private async claim(
    tenantId: string,
    modelId: string,
    visibility: 'private' | 'public',
    data: { category: string; format: string; status: string; source: string; revision: string | null; location: string; family?: string | null; refiner?: string | null },
  ): Promise<Row> {
    return this.db.prisma
      .$transaction(async (tx) => {
        // Claims of one id wait for each other, so two tenants cannot both find the id free.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${MODEL_ID_LOCK_SPACE}::int4, hashtext(${modelId}))`;
        const live = await tx.model.findMany({ where: { modelId, status: { not: 'failed' } } });
        const clashes = (m: { tenantId: string | null; visibility: string }) =>
          m.tenantId === tenantId || m.visibility === 'public' || visibility === 'public';
        if (live.some(clashes)) throw new ModelConflictError(modelId);
        await tx.model.deleteMany({ where: { tenantId, modelId, status: 'failed' } });
        return tx.model.create({ data: { id: randomUUID(), modelId, tenantId, visibility, ...data } });
      })
      .catch((err: unknown) => {
        // Two claims of one id at once: the (tenant, model id) unique index lets one through.
        if ((err as { code?: string }).code === 'P2002') throw new ModelConflictError(modelId);
        throw err;
      });
  }

  private async load(rowId: string, req: LoadModelRequest, dir: string): Promise<void> {
    try {
      let location = await this.fetchAndUnpack(req, dir);
      // Read before the upload: in distributed mode the files leave this machine.
      const traits = req.category === 'stable_diffusion' ? await readModelTraits(location) : NO_TRAITS;
      if (this.options.artifacts) location = await this.upload(req, location, dir);
      await this.db.prisma.model.update({ where: { id: rowId }, data: { status: 'ready', location, error: null, ...traits } });
      this.options.log(`model ${req.modelId} (${req.category}) of tenant ${req.tenantId} is ready at ${location}`);
    } catch (err) {
      const reason = err instanceof ModelLoadError || err instanceof SafeFetchError ? err.message : `internal error: ${(err as Error).message}`;
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      await this.db.prisma.model.update({ where: { id: rowId }, data: { status: 'failed', error: reason } }).catch(() => undefined);
      this.options.log(`model ${req.modelId} of tenant ${req.tenantId} failed to load: ${reason}`);
    }
  }

  /** Copies the verified files to the artifact store under a fresh upload id; the staging copy is removed. */
  private async upload(req: { tenantId: string; modelId: string }, location: string, staging: string): Promise<string> {
    const artifacts = this.options.artifacts!;
    const prefix = `models/${req.tenantId}/${req.modelId}/${randomUUID()}`;
    const isFile = location.endsWith('.safetensors') || location.endsWith('.onnx');
    const files = isFile ? [location] : await listFiles(location);
    for (const f of files) {
      const rel = isFile ? basename(f) : relative(location, f).split(/[\\/]/).join('/');
      try {
        await artifacts.put(`${prefix}/${rel}`, await readFile(f), { contentType: 'application/octet-stream' });
      } catch (err) {
        throw new ModelLoadError(`cannot store ${rel}: ${(err as Error).message}`);
      }
    }
    await rm(staging, { recursive: true, force: true });
    return `${ARTIFACT_LOCATION}${isFile ? `${prefix}/${basename(location)}` : prefix}`;
  }

  private async fetchAndUnpack(req: LoadModelRequest, dir: string): Promise<string> {
    return downloadModel(req, dir, this.options);
  }
}

function toEntry(r: Row): ModelEntry {
  return {
    modelId: r.modelId,
    name: r.modelId,
    category: r.category as ModelCategory,
    visibility: r.visibility === 'public' ? 'public' : 'private',
    status: r.status as ModelEntry['status'],
    location: r.location,
    tenantId: r.tenantId,
    error: r.error,
    family: parseModelFamily(r.family),
    refiner: r.refiner,
  };
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}
