import { dirname } from 'node:path';
import * as ort from 'onnxruntime-node';
import { DiffusionError, GraphMismatchError, ModelFileError } from '../errors';

export interface SessionOptions {
  /** 'cuda' uses the CUDA execution provider when this onnxruntime build has it (else CPU). */
  device?: 'cpu' | 'cuda';
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  /** ORT intra-op threads busy-wait between runs (default true); false frees the cores for other work sooner. */
  allowSpinning?: boolean;
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
      return outputs ? await this.session.run(feeds, outputs) : await this.session.run(feeds);
    } catch (err) {
      throw new DiffusionError('inference_failed', `The ${this.name} graph failed: ${(err as Error).message}`, undefined, { cause: err });
    } finally {
      this.runMs += performance.now() - t0;
      this.runs++;
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** `source` is the graph file, or its serialized bytes (a graph with adapters merged in) — `path` then names it in messages. */
export async function createGraph(name: string, path: string, bytes: number, options: SessionOptions = {}, source: string | Uint8Array = path): Promise<Graph> {
  const base: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    ...(options.intraOpNumThreads ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
    ...(options.interOpNumThreads ? { interOpNumThreads: options.interOpNumThreads } : {}),
    ...(options.allowSpinning === false ? { extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } } : {}),
  };
  if (typeof source !== 'string') {
    // A graph from bytes (adapters merged in) keeps its untouched weights in external data files, if it had any:
    // they resolve against the original graph's folder.
    const extra = (base.extra ?? {}) as { session?: Record<string, unknown> };
    base.extra = { ...extra, session: { ...extra.session, model_external_initializers_file_folder_path: dirname(path) } };
  }
  const wantCuda = options.device === 'cuda' && hasCuda();
  try {
    if (wantCuda) {
      try {
        return new Graph(name, path, await createSession(source, { ...base, executionProviders: ['cuda', 'cpu'] }), bytes, 'cuda');
      } catch {
        // CUDA present in the build but unusable here (no driver/device): fall back to CPU.
      }
    }
    return new Graph(name, path, await createSession(source, { ...base, executionProviders: ['cpu'] }), bytes, 'cpu');
  } catch (err) {
    throw new ModelFileError('model_file_corrupt', path, `Cannot load the ${name} graph ${path}: ${(err as Error).message}`, err);
  }
}

function createSession(source: string | Uint8Array, options: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession> {
  return typeof source === 'string' ? ort.InferenceSession.create(source, options) : ort.InferenceSession.create(source, options);
}
