import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import * as ort from 'onnxruntime-node';
import { DiffusionError, GraphMismatchError, ModelFileError } from '../errors';
import { GraphPartner } from './graph-partner';
import { joinRows, splitRows } from './row-split';

export interface SessionOptions {
  /** 'cuda' uses the CUDA execution provider when this onnxruntime build has it (else CPU). */
  device?: 'cpu' | 'cuda';
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  /** ORT's threads busy-wait for work inside a run, parked when it ends (default true); false never spins. */
  allowSpinning?: boolean;
  /**
   * This graph's batch runs as two halves at once, on two sessions with half the intra-op threads
   * each (GraphPartner); on CPU with two threads or more. load-model sets it for the UNet.
   */
  splitRows?: boolean;
  /** load-model splits the UNet's rows when the UNet is 8 MiB to 1 GiB (default true; false never splits). */
  splitUnetRows?: boolean;
  /** load-model fuses the UNet's attention into MultiHeadAttention and its written-out layer norms (prepareGraph; default true; false runs the graph as exported). */
  fuseAttention?: boolean;
}

export type TensorMeta = { name: string; type: string; shape: ReadonlyArray<number | string> };

let cudaAvailable: boolean | undefined;
export function hasCuda(): boolean {
  if (cudaAvailable === undefined) {
    try {
      cudaAvailable = ort.listSupportedBackends().some((b) => b.name === 'cuda');
    } catch {
      cudaAvailable = false;
    }
  }
  return cudaAvailable;
}

/**
 * One ONNX graph: the ORT session plus its input/output metadata and a clock of the time
 * spent inside `run` (the bench reports the JS-glue share from it).
 */
export class Graph {
  readonly inputs: Map<string, TensorMeta>;
  readonly outputs: Map<string, TensorMeta>;
  readonly outputNames: readonly string[];
  runMs = 0;
  runs = 0;

  constructor(
    readonly name: string,
    readonly path: string,
    readonly session: ort.InferenceSession,
    readonly bytes: number,
    readonly executionProvider: string,
    /** Runs the second half of each batch of two rows or more (SessionOptions.splitRows). */
    readonly partner?: GraphPartner,
  ) {
    const meta = (list: readonly ort.InferenceSession.ValueMetadata[]): Map<string, TensorMeta> =>
      new Map(
        list.map((m) => [m.name, m.isTensor ? { name: m.name, type: m.type, shape: m.shape } : { name: m.name, type: 'non-tensor', shape: [] }]),
      );
    this.inputs = meta(session.inputMetadata);
    this.outputs = meta(session.outputMetadata);
    this.outputNames = session.outputNames;
  }

  /** Throw a GraphMismatchError naming the first required input the graph lacks. */
  requireInputs(names: readonly string[]): void {
    for (const n of names) if (!this.inputs.has(n)) throw new GraphMismatchError(this.name, n, `The ${this.name} graph (${this.path}) has no input named "${n}"; it has: ${[...this.inputs.keys()].join(', ')}.`);
  }

  input(name: string): TensorMeta {
    const m = this.inputs.get(name);
    if (!m) throw new GraphMismatchError(this.name, name);
    return m;
  }

  async run(feeds: Record<string, ort.Tensor>, outputs?: readonly string[]): Promise<ort.InferenceSession.ReturnType> {
    const t0 = performance.now();
    try {
      const rows = feeds[this.session.inputNames[0]]?.dims[0] ?? 1;
      if (this.partner && rows >= 2) {
        const [mine, theirs] = splitRows(feeds, rows);
        // posted first: this thread's run may hold the event loop until it ends
        const second = this.partner.run(theirs, outputs);
        const first = await this.runWhole(mine, outputs);
        return joinRows(first, await second);
      }
      return await this.runWhole(feeds, outputs);
    } catch (err) {
      throw new DiffusionError('inference_failed', `The ${this.name} graph failed: ${(err as Error).message}`, undefined, { cause: err });
    } finally {
      this.runMs += performance.now() - t0;
      this.runs++;
    }
  }

  private runWhole(feeds: Record<string, ort.Tensor>, outputs?: readonly string[]): Promise<ort.InferenceSession.ReturnType> {
    return outputs ? this.session.run(feeds, outputs) : this.session.run(feeds);
  }

  async release(): Promise<void> {
    await Promise.all([this.session.release(), this.partner?.close()]);
  }
}

/** `source` is the graph file, or its serialized bytes (a graph with adapters merged in) — `path` then names it in messages. */
export async function createGraph(name: string, path: string, bytes: number, options: SessionOptions = {}, source: string | Uint8Array = path): Promise<Graph> {
  const base: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    ...(options.intraOpNumThreads ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
    ...(options.interOpNumThreads ? { interOpNumThreads: options.interOpNumThreads } : {}),
    // Spinning threads wait for work inside a run; force_spinning_stop parks them when the run ends, so
    // the JS between two UNet calls (scheduler, callbacks) and an idle worker get the cores back.
    extra: {
      session:
        options.allowSpinning === false
          ? { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } }
          : { force_spinning_stop: '1' },
    },
  };
  if (typeof source !== 'string') {
    // A graph from bytes (adapters merged in) keeps its untouched weights in external data files, if it had any:
    // they resolve against the original graph's folder.
    const extra = (base.extra ?? {}) as { session?: Record<string, unknown> };
    base.extra = { ...extra, session: { ...extra.session, model_external_initializers_file_folder_path: dirname(path) } };
  }
  const wantCuda = options.device === 'cuda' && hasCuda();
  const threads = options.intraOpNumThreads ?? availableParallelism();
  // splitRows: this session and a partner thread's each take half of the batch and of the threads
  const mine = Math.ceil(threads / 2);
  const partner =
    options.splitRows && !wantCuda && threads >= 2
      ? await GraphPartner.open({ name, path, bytes, options: { ...options, intraOpNumThreads: threads - mine, splitRows: false }, source })
      : undefined;
  if (partner) base.intraOpNumThreads = mine;
  try {
    if (wantCuda) {
      try {
        return new Graph(name, path, await createSession(source, { ...base, executionProviders: ['cuda', 'cpu'] }), bytes, 'cuda');
      } catch {
        // CUDA present in the build but unusable here (no driver/device): fall back to CPU.
      }
    }
    return new Graph(name, path, await createSession(source, { ...base, executionProviders: ['cpu'] }), bytes, 'cpu', partner);
  } catch (err) {
    await partner?.close();
    throw new ModelFileError('model_file_corrupt', path, `Cannot load the ${name} graph ${path}: ${(err as Error).message}`, err);
  }
}

function createSession(source: string | Uint8Array, options: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession> {
  return typeof source === 'string' ? ort.InferenceSession.create(source, options) : ort.InferenceSession.create(source, options);
}
