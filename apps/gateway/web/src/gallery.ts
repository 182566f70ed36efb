import { errorText, type Answer } from './errors.js';

/** One job as GET /api/v3/jobs lists it. */
interface ListedJob {
  id: number;
  kind: string;
  status: 'success' | 'processing' | 'failed';
  created_at: string;
  output: string[];
  thumbnail: string | null;
  meta: Record<string, unknown>;
  error?: string;
}

const PAGE = 24;
/** The listing's own ceiling on `limit`. */
const MAX_PAGE = 100;

/** The tenant's recent jobs from the server (any session, any key of the tenant), newest first. */
export class Gallery {
  private key = '';
  private jobs: ListedJob[] = [];
  private cursor: string | null = null;

  constructor(
    private readonly list: HTMLUListElement,
    private readonly status: HTMLElement,
    private readonly more: HTMLButtonElement,
  ) {
    more.addEventListener('click', () => void this.older());
  }

  /** Shows the key's tenant's newest jobs (nothing without a key). */
  async load(key: string): Promise<void> {
    this.key = key;
    this.jobs = [];
    this.cursor = null;
    if (!key) return this.render('Enter an API key to see its jobs.');
    await this.refresh();
  }

  /** Reads the newest jobs again (as many as are shown), so new and finished jobs appear. */
  async refresh(): Promise<void> {
    if (!this.key) return;
    const page = await this.fetch(Math.min(MAX_PAGE, Math.max(PAGE, this.jobs.length)));
    if (!page) return;
    this.jobs = page.jobs;
    this.cursor = page.next_cursor;
    this.render();
  }

  private async older(): Promise<void> {
    if (!this.cursor) return;
    const page = await this.fetch(PAGE, this.cursor);
    if (!page) return;
    const known = new Set(this.jobs.map((job) => job.id));
    this.jobs.push(...page.jobs.filter((job) => !known.has(job.id)));
    this.cursor = page.next_cursor;
    this.render();
  }

  private async fetch(limit: number, cursor?: string) {
    const key = this.key;
    const query = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    try {
      const response = await fetch(`/api/v3/jobs?${query}`, { headers: { authorization: `Bearer ${key}` } });
      const body = (await response.json()) as Answer & { jobs?: ListedJob[]; next_cursor?: string | null };
      if (key !== this.key) return undefined; // the key changed meanwhile: a newer load is under way
      if (!response.ok || !body.jobs) {
        this.jobs = [];
        this.cursor = null;
        this.render(`Recent jobs: ${errorText(body)}`);
        return undefined;
      }
      return { jobs: body.jobs, next_cursor: body.next_cursor ?? null };
    } catch (error) {
      this.render(`Recent jobs: no answer from the server (${(error as Error).message})`);
      return undefined;
    }
  }

  private render(message?: string): void {
    this.list.replaceChildren(...this.jobs.map(item));
    this.status.textContent = message ?? (this.jobs.length === 0 ? 'No jobs yet.' : '');
    this.more.hidden = this.cursor === null;
  }
}

function item(job: ListedJob): HTMLLIElement {
  const li = document.createElement('li');
  li.dataset.jobId = String(job.id);
  li.dataset.status = job.status;
  const prompt = typeof job.meta.prompt === 'string' ? `: ${job.meta.prompt}` : '';
  const caption = document.createElement('span');
  caption.textContent = `#${job.id} ${job.kind} · ${job.status === 'failed' ? `failed (${job.error})` : job.status}`;
  if (job.thumbnail) {
    const link = document.createElement('a');
    link.href = job.thumbnail;
    link.target = '_blank';
    const thumb = new Image();
    thumb.src = job.thumbnail;
    thumb.alt = `Job ${job.id} (${job.kind})${prompt}`;
    thumb.loading = 'lazy';
    link.append(thumb);
    li.append(link);
  } else if (job.output[0]) {
    const link = document.createElement('a');
    link.href = job.output[0];
    link.target = '_blank';
    link.textContent = 'output';
    li.append(link);
  }
  li.append(caption);
  li.title = new Date(job.created_at).toLocaleString();
  return li;
}
