/**
 * Drives test/helm/renderer (a `helm template` work-alike in Go, built here from
 * Debian's Go toolchain and the sprig/YAML/JSON-Schema libraries Helm is built on).
 * The toolchain comes from test/helm/install-toolchain.sh; when it is missing the
 * build fails with a message that says so, it is never skipped.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const HELM_TEST_DIR = __dirname;
export const REPO_ROOT = resolve(__dirname, '..', '..');
export const CHART_DIR = join(REPO_ROOT, 'deploy', 'helm', 'easel');

const BUILD_DIR = join(__dirname, '.build');
const BINARY = join(BUILD_DIR, 'easel-helm-render');
const GOCODE = '/usr/share/gocode/src';
const GO_PACKAGES = [
  'github.com/Masterminds/sprig',
  'github.com/Masterminds/semver',
  'github.com/ghodss/yaml',
  'github.com/xeipuuv/gojsonschema',
];

export class ToolchainMissingError extends Error {}

function toolchainProblem(): string | undefined {
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) return 'the `go` command is not installed';
  const missing = GO_PACKAGES.filter((p) => !existsSync(join(GOCODE, p)));
  if (missing.length) return `Go sources missing under ${GOCODE}: ${missing.join(', ')}`;
  return undefined;
}

let built: string | undefined;

/** Builds the renderer once per process (Go's build cache makes a rebuild cheap). */
export function buildRenderer(): string {
  if (built) return built;
  const problem = toolchainProblem();
  if (problem) {
    throw new ToolchainMissingError(
      `The chart test needs the Go renderer's toolchain, and ${problem}. ` +
        'Install it with `bash test/helm/install-toolchain.sh` (as root; Debian packages golang-go, ' +
        'golang-github-masterminds-sprig-dev, golang-github-ghodss-yaml-dev, golang-github-xeipuuv-gojsonschema-dev).',
    );
  }
  // GOPATH mode, offline: the renderer is linked into a private GOPATH next to
  // Debian's /usr/share/gocode (where Go resolves sprig's /v3 import paths).
  const gopathSrc = join(BUILD_DIR, 'gopath', 'src');
  const link = join(gopathSrc, 'easel-helm-render');
  mkdirSync(gopathSrc, { recursive: true });
  rmSync(link, { force: true });
  symlinkSync(join(__dirname, 'renderer'), link, 'dir');
  const env = goEnv();
  const result = spawnSync('go', ['build', '-o', BINARY, 'easel-helm-render'], {
    cwd: BUILD_DIR,
    env,
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(`building the chart renderer failed:\n${result.stderr}${result.stdout}`);
  built = BINARY;
  return BINARY;
}

function goEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GO111MODULE: 'off',
    GOPATH: `${join(BUILD_DIR, 'gopath')}:/usr/share/gocode`,
    GOCACHE: join(BUILD_DIR, 'gocache'),
    GOFLAGS: '',
    GOPROXY: 'off',
    CGO_ENABLED: '0',
  };
}

/** Runs the renderer's own Go tests (Helm behaviours checked against Helm's output); returns go test's output. */
export function testRenderer(): { ok: boolean; output: string } {
  buildRenderer();
  const result = spawnSync('go', ['test', 'easel-helm-render'], {
    cwd: BUILD_DIR,
    env: goEnv(),
    encoding: 'utf8',
  });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

export interface RenderedManifest {
  source: string;
  apiVersion: string;
  kind: string;
  name: string;
  hook?: string;
  object: Record<string, any>;
}

export interface DependencyReport {
  name: string;
  enabled: boolean;
  present: boolean;
  reason: string;
}

export interface RenderOutput {
  manifests: RenderedManifest[];
  notes: string;
  dependencies: DependencyReport[];
  missingDependencies: string[];
  warnings: string[];
  values: Record<string, any>;
}

export interface RenderOptions {
  valuesFiles?: string[];
  name?: string;
  namespace?: string;
  apiVersions?: string[];
  /** Render although Chart.yaml dependencies are not under charts/ (default true: they are not vendored). */
  allowMissingDependencies?: boolean;
  extraArgs?: string[];
}

export class RenderError extends Error {}

export function render(chartDir: string, options: RenderOptions = {}): RenderOutput {
  const bin = buildRenderer();
  const args = ['--name', options.name ?? 'easel', '--namespace', options.namespace ?? 'easel'];
  if (options.allowMissingDependencies ?? true) args.push('--allow-missing-dependencies');
  for (const f of options.valuesFiles ?? []) args.push('-f', f);
  for (const a of options.apiVersions ?? []) args.push('--api-versions', a);
  args.push(...(options.extraArgs ?? []), chartDir);
  const result = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0)
    throw new RenderError(result.stderr.trim() || `renderer exited with ${result.status}`);
  return JSON.parse(result.stdout) as RenderOutput;
}

/** Copies the chart (templates, values, schema) to `dest` for a test that breaks it. */
export function copyChart(dest: string): string {
  execFileSync('cp', ['-R', CHART_DIR, dest]);
  return dest;
}

export function listTemplates(chartDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else out.push(join(dir, e.name));
    }
  };
  walk(join(chartDir, 'templates'));
  return out;
}
