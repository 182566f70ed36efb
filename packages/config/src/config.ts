import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

/** A configuration problem, told in one line that names the variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().min(0);

/** `name=pool,name=pool`: names as ids are written, pools as EASEL_POOL accepts them. */
const ASSIGNMENTS = /^$|^[A-Za-z0-9_.:-]+=[A-Za-z0-9_-]+(,[A-Za-z0-9_.:-]+=[A-Za-z0-9_-]+)*$/;

const schema = z.object({
  PORT: port.default(3000),
  EASEL_HOST: z.string().min(1).default('127.0.0.1'),
  EASEL_HOME: z.string().min(1).default('.easel'),
  /** Public base URL used in fetch_result/future_links; defaults to http://<host>:<port>. */
  EASEL_PUBLIC_URL: z.url().optional(),
  EASEL_SYNC_WINDOW_MS: nonNegativeInt.default(8000),
  EASEL_INITIAL_CREDITS: nonNegativeInt.default(10000),
  EASEL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  EASEL_MAX_DELIVERIES: positiveInt.default(3),
  EASEL_ACK_WAIT_MS: positiveInt.default(60000),
  EASEL_DEFAULT_MODEL: z.string().min(1).default('easel-tiny'),
  /** Where the bundled models live (default: the repository's models/). */
  EASEL_MODELS_DIR: z.string().min(1).optional(),
  /** Threads per ONNX Runtime session; 0 lets ORT choose. */
  EASEL_ORT_THREADS: nonNegativeInt.default(0),
  /** Memory budget for loaded models, in bytes (default 8 GiB). */
  EASEL_MODEL_CACHE_BYTES: positiveInt.optional(),
  /** Comma-separated services this process's workers run. */
  EASEL_SERVICES: z
    .string()
    .regex(/^[a-z0-9_-]+(,[a-z0-9_-]+)*$/, 'must be a comma-separated list of service names')
    .default('diffusion,super_resolution,image_editing,controlnet,training,chat,video,mesh,voice'),
  /**
   * Gateway: the worker pool each service's jobs are published to (`diffusion=gpu-a,super_resolution=cpu`);
   * a service not named goes to the pool `default`. The Helm chart renders it from its enabled pools.
   */
  EASEL_SERVICE_POOLS: z
    .string()
    .regex(ASSIGNMENTS, 'must be a comma-separated list of <service>=<pool>')
    .default(''),
  /** Gateway: models pinned to a pool of their service (`sdxl-base=gpu-large`): their jobs go there instead. */
  EASEL_MODEL_POOLS: z
    .string()
    .regex(ASSIGNMENTS, 'must be a comma-separated list of <model id>=<pool>')
    .default(''),
  /**
   * Gateway: model families pinned to a pool (`sdxl=gpu-large,flux=gpu-large`; families as model_list's
   * model_family: sd1, sd2, sdxl, sdxl-refiner, flux, sd3): a job on a model of that family goes there
   * unless EASEL_MODEL_POOLS pins the model itself.
   */
  EASEL_FAMILY_POOLS: z
    .string()
    .regex(ASSIGNMENTS, 'must be a comma-separated list of <model family>=<pool>')
    .default(''),
  /** The NSFW checker flags an image whose score (P(hentai)+P(porn)+P(sexy), 0–1) exceeds this. */
  EASEL_NSFW_THRESHOLD: z.coerce
    .number()
    .min(0, 'must be between 0 and 1')
    .max(1, 'must be between 0 and 1')
    .default(0.5),
  /**
   * removebg_mask's engine: grabcut (OpenCV.js, Apache-2.0) or imgly (@imgly/background-removal-node,
   * AGPL-3.0, not installed by Easel: a worker running image_editing refuses to start without it).
   */
  EASEL_REMOVEBG_ENGINE: z.enum(['grabcut', 'imgly']).default('grabcut'),
  /** The training service's Python (with torch and onnx); unset: python3 on PATH, then /usr/bin/python3. */
  EASEL_TRAINER_PYTHON: z.string().min(1).optional(),
  /** Threads the trainer's PyTorch uses; 0 lets it choose (every core). */
  EASEL_TRAINER_THREADS: nonNegativeInt.default(0),
  /** A training checkpoints (and stores the checkpoint, so another worker can resume) every this many steps. */
  EASEL_TRAINER_CHECKPOINT_STEPS: positiveInt.default(50),
  /** The chat model a request without model_id gets (category llm). */
  EASEL_DEFAULT_CHAT_MODEL: z.string().min(1).default('easel-chat-tiny'),
  /** Replies one chat model generates at once (llama.cpp context sequences); more wait for a free one. */
  EASEL_CHAT_SEQUENCES: positiveInt.default(2),
  /** Tokens of context per reply; 0: the model's own training context, at most 4096. */
  EASEL_CHAT_CONTEXT: nonNegativeInt.default(0),
  /** How long a chat request that is not streamed waits for its reply before answering `processing` (fetch it later). */
  EASEL_CHAT_SYNC_WINDOW_MS: nonNegativeInt.default(300_000),
  /** llama.cpp's CPU threads; 0: one fewer than the CPU's cores (at least 1), so the event loop keeps one. */
  EASEL_CHAT_THREADS: nonNegativeInt.default(0),
  /** The video model a text2video / img2video request without model_id gets (category video). */
  EASEL_DEFAULT_VIDEO_MODEL: z.string().min(1).default('easel-tiny-motion'),
  /** The 3D model a text_to_3d / image_to_3d request without model_id gets (category 3d). */
  EASEL_DEFAULT_MESH_MODEL: z.string().min(1).default('easel-tiny-mesh'),
  /** The voice-cloning model a text_to_audio / voice_to_voice request without model_id gets (category voice). */
  EASEL_DEFAULT_VOICE_MODEL: z.string().min(1).default('easel-tiny-voice'),
  /** The speaker text_to_speech uses when the request names none: a Flite voice (slt, rms, awb, kal16, kal) or a Piper voice's model id. */
  EASEL_DEFAULT_VOICE: z.string().min(1).default('slt'),
  /** On SIGTERM a worker stops taking jobs and gives the ones it runs this long to finish (then hands them back to the bus). */
  EASEL_SHUTDOWN_GRACE_MS: positiveInt.default(30_000),
  /** Jobs one worker runs at once per service. */
  EASEL_WORKER_CONCURRENCY: positiveInt.default(1),
  /** Retention in days, for tenants without their own (0: keep forever): output files, job rows, webhook delivery logs. `temp: yes` outputs always go once their links expire. */
  EASEL_RETAIN_ARTIFACTS_DAYS: nonNegativeInt.default(0),
  EASEL_RETAIN_JOBS_DAYS: nonNegativeInt.default(0),
  EASEL_RETAIN_WEBHOOK_LOGS_DAYS: nonNegativeInt.default(0),
  /** How often the retention sweeper runs (one gateway replica at a time); 0 turns it off. */
  EASEL_RETENTION_SWEEP_MS: nonNegativeInt.default(600_000),
  /** Embedded mode: below this many free bytes the artifact store is not writable and /readyz answers 503. */
  EASEL_ARTIFACT_MIN_FREE_BYTES: nonNegativeInt.default(64 * 1024 * 1024),
  /** How long the output links of a `temp: yes` job stay valid, in seconds (then they answer 410). */
  EASEL_TEMP_LINK_TTL_S: positiveInt.default(3600),
  /**
   * Lifetime of the pre-signed S3 URL an output link redirects to (S3 store only), in seconds;
   * each GET of the stable link signs a fresh one, never outliving a temp link's own expiry.
   */
  EASEL_SIGNED_URL_TTL_S: positiveInt.max(604800).default(300),
  /** Hosts that init_image/mask_image/webhook URLs may reach even though they are private (tests, internal image hosts). */
  EASEL_FETCH_ALLOW_HOSTS: z.string().default(''),
  /**
   * The key webhooks are signed with (HMAC-SHA256). Unset: one is generated on first use and
   * kept in $EASEL_HOME/webhook-secret; replicas of a distributed gateway must share one, so set it there.
   */
  EASEL_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Attempts per webhook delivery before it is given up as failed. */
  EASEL_WEBHOOK_MAX_ATTEMPTS: positiveInt.default(6),
  /** Waits between webhook attempts, in milliseconds (the last repeats); each gets up to 20% jitter. */
  EASEL_WEBHOOK_BACKOFF_MS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be a comma-separated list of milliseconds')
    .default('5000,30000,120000,600000,3600000'),
  /** How often the webhook dispatcher looks for due deliveries (it also wakes when a job ends). */
  EASEL_WEBHOOK_POLL_MS: positiveInt.default(500),
  /** Time limit of one webhook POST. */
  EASEL_WEBHOOK_TIMEOUT_MS: positiveInt.default(10000),
  /** Distributed mode: the worker pool this process serves and the gRPC port it listens on. */
  EASEL_POOL: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a single name of letters, digits, - or _')
    .default('default'),
  EASEL_GRPC_PORT: port.default(50051),
  /** ONNX Runtime execution provider: cuda falls back to cpu when its binaries are absent. */
  EASEL_ORT_PROVIDER: z.enum(['cpu', 'cuda']).default('cpu'),
  /** JetStream streams are named <prefix><service> (the Helm chart's KEDA triggers use the same). */
  EASEL_STREAM_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, 'must be letters, digits, - or _')
    .default('easel-'),
  NATS_URL: z
    .string()
    .regex(/^(nats|tls|wss?):\/\//, 'must be a nats:// URL')
    .optional(),
  NATS_USER: z.string().optional(),
  NATS_PASSWORD: z.string().optional(),
  NATS_TOKEN: z.string().optional(),
  /** S3 / MinIO artifact store (distributed mode). */
  S3_ENDPOINT: z.url().optional(),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid bucket name')
    .optional(),
  S3_ACCESS_KEY: z.string().optional(),
  S3_SECRET_KEY: z.string().optional(),
  S3_REGION: z.string().default('us-east-1'),
  /** Where clients reach S3 when it differs from S3_ENDPOINT (signed links name this host). */
  S3_PUBLIC_URL: z.url().optional(),
  /** Traces: `otlp` exports to OTEL_EXPORTER_OTLP_ENDPOINT (OTLP/HTTP), `none` records nothing. */
  EASEL_TRACING: z.enum(['otlp', 'none']).default('none'),
  /** The standard OpenTelemetry variables Easel reads; other OTEL_* ones reach the exporter as usual. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .optional(),
});

export type EaselConfig = z.infer<typeof schema> & {
  /** EASEL_HOME made absolute. */
  home: string;
  publicUrl: string;
  /** EASEL_MODELS_DIR made absolute, or the repository's models/. */
  modelsDir: string;
  services: string[];
  /** EASEL_SERVICE_POOLS, EASEL_MODEL_POOLS and EASEL_FAMILY_POOLS as maps. */
  servicePools: Record<string, string>;
  modelPools: Record<string, string>;
  familyPools: Record<string, string>;
  fetchAllowHosts: string[];
  /** EASEL_WEBHOOK_BACKOFF_MS as numbers. */
  webhookBackoffMs: number[];
};

/** packages/config/{src,dist} → the repository root's models/. */
const BUNDLED_MODELS_DIR = resolve(__dirname, '..', '..', '..', 'models');
const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const assignments = (value: string) =>
  Object.fromEntries(list(value).map((pair) => pair.split('=') as [string, string]));

const KNOWN = new Set(Object.keys(schema.shape));

/**
 * Reads and validates the environment. Unknown `EASEL_*` variables are rejected too,
 * so a typo does not silently fall back to a default.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): EaselConfig {
  const relevant: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    if (name.startsWith('EASEL_') && !KNOWN.has(name)) {
      throw new ConfigError(
        `${name} is not a setting Easel knows (known: ${[...KNOWN].filter((k) => k.startsWith('EASEL_')).join(', ')})`,
      );
    }
    if (KNOWN.has(name)) relevant[name] = value;
  }
  const parsed = schema.safeParse(relevant);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0]);
    throw new ConfigError(`${name}=${JSON.stringify(relevant[name])} is invalid: ${issue.message}`);
  }
  const config = parsed.data;
  const home = isAbsolute(config.EASEL_HOME) ? config.EASEL_HOME : resolve(cwd, config.EASEL_HOME);
  const host = config.EASEL_HOST === '0.0.0.0' ? '127.0.0.1' : config.EASEL_HOST;
  const publicUrl = (config.EASEL_PUBLIC_URL ?? `http://${host}:${config.PORT}`).replace(/\/$/, '');
  const modelsDir = config.EASEL_MODELS_DIR ? resolve(cwd, config.EASEL_MODELS_DIR) : BUNDLED_MODELS_DIR;
  return {
    ...config,
    home,
    publicUrl,
    modelsDir,
    services: list(config.EASEL_SERVICES),
    servicePools: assignments(config.EASEL_SERVICE_POOLS),
    modelPools: assignments(config.EASEL_MODEL_POOLS),
    familyPools: assignments(config.EASEL_FAMILY_POOLS),
    fetchAllowHosts: list(config.EASEL_FETCH_ALLOW_HOSTS),
    webhookBackoffMs: list(config.EASEL_WEBHOOK_BACKOFF_MS).map(Number),
  };
}
