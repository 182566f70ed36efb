import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AdmissionLeasesRepository, JobsRepository, type Database, type Job, type SubmitJobInput } from '@easel/db';
import { shareOf } from '../limits/replica-shares';
import { DATABASE } from '../tokens';

/** How long a lease lasts by the database's clock; its holder stops using it a third earlier. */
const LEASE_MS = 30_000;
const USE_FOR_MS = 20_000;
/** A lease not used for this long goes back (its credits show in the balance again). */
const IDLE_MS = 500;
/** Most jobs one lease admits: bounds what a replica holds back from the key's other replicas. */
const MAX_SLOTS = 256;
/** Slots for a key without a concurrent-jobs cap. */
const UNCAPPED_SLOTS = 64;
/** A lease is only taken while the balance covers this many of it (one key's lease must not starve the tenant's others). */
const BALANCE_COVERS = 4;
const TICK_MS = 250;
const SWEEP_EXPIRED_MS = 5_000;

interface HeldLease {
  id: number;
  keyId: string;
  slotsLeft: number;
  creditsLeft: number;
  /** The tenant's balance once the lease was taken. */
  balance: number;
  useUntil: number;
  lastUsedAt: number;
  inFlight: number;
  retired: boolean;
}

/**
 * A gateway replica admits a busy key's jobs under admission leases (see AdmissionLease in the
 * schema): one statement takes a block of the key's room and the tenant's credits, and each
 * job then costs one INSERT that touches neither the key's row nor the tenant's. A key whose cap
 * is small (under 128: a block would be 1), a job with an Idempotency-Key, a balance too small
 * for a block and embedded mode admit each job on its own, exactly as before.
 */
@Injectable()
export class AdmissionLeasesService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Admission');
  private readonly jobs: JobsRepository;
  private readonly leases: AdmissionLeasesRepository;
  private readonly held = new Map<string, HeldLease>();
  private readonly opening = new Map<string, Promise<HeldLease | null>>();
  private readonly closing = new Set<Promise<unknown>>();
  private timers: NodeJS.Timeout[] = [];

  constructor(@Inject(DATABASE) private readonly db: Database) {
    this.jobs = new JobsRepository(db.prisma, db.sql);
    this.leases = new AdmissionLeasesRepository(db.prisma, db.sql);
  }

  onModuleInit(): void {
    if (this.db.kind !== 'postgres') return;
    const tick = setInterval(() => this.retireIdle(), TICK_MS);
    const sweep = setInterval(() => void this.closeExpired(), SWEEP_EXPIRED_MS);
    this.timers = [tick, sweep];
    for (const timer of this.timers) timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await Promise.allSettled(this.opening.values());
    for (const lease of this.held.values()) this.retire(lease);
    await Promise.allSettled(this.closing);
  }

  /** Inserts the job and holds its price (JobsRepository.submit's contract), under a lease when the key is busy enough. */
  async submit(input: SubmitJobInput): Promise<{ job: Job; created: boolean }> {
    const slots = this.slotsFor(input);
    if (slots >= 2 && input.apiKeyId && !input.idempotencyKey && this.db.kind === 'postgres') {
      for (let attempt = 0; attempt < 3; attempt++) {
        const lease = await this.takeSlot(input, slots);
        if (!lease) break;
        const job = await this.submitUnder(lease, input);
        if (job) return { job, created: true };
        this.retire(lease); // expired or closed under us: take another
      }
    }
    return this.jobs.submit(input);
  }

  private slotsFor(input: SubmitJobInput): number {
    const cap = input.maxUnfinishedForKey;
    return cap == null ? UNCAPPED_SLOTS : Math.min(MAX_SLOTS, shareOf(cap));
  }

  /**
   * Takes a slot and the price from this replica's lease for the key, opening one when there is
   * none; null when no block fits. The taking is synchronous with the check, so parallel
   * requests never take more slots than the lease has.
   */
  private async takeSlot(input: SubmitJobInput, slots: number): Promise<HeldLease | null> {
    const keyId = input.apiKeyId!;
    for (;;) {
      const current = this.held.get(keyId);
      if (current && this.usable(current, input.price)) {
        current.slotsLeft--;
        current.creditsLeft -= input.price;
        current.inFlight++;
        current.lastUsedAt = Date.now();
        return current;
      }
      if (current) this.retire(current);
      let opening = this.opening.get(keyId);
      if (!opening) {
        opening = this.open(input, slots).finally(() => this.opening.delete(keyId));
        this.opening.set(keyId, opening);
      }
      if (!(await opening)) return null;
    }
  }

  private usable(lease: HeldLease, price: number): boolean {
    return !lease.retired && lease.slotsLeft >= 1 && lease.creditsLeft >= price && Date.now() < lease.useUntil;
  }

  private async open(input: SubmitJobInput, slots: number): Promise<HeldLease | null> {
    const credits = input.price * slots;
    const opened = await this.leases.open({
      tenantId: input.tenantId,
      apiKeyId: input.apiKeyId!,
      slots,
      credits,
      maxUnfinishedForKey: input.maxUnfinishedForKey ?? null,
      minBalance: credits * BALANCE_COVERS,
      leaseMs: LEASE_MS,
    });
    if (!opened) return null;
    const now = Date.now();
    const lease: HeldLease = {
      id: opened.id,
      keyId: input.apiKeyId!,
      slotsLeft: slots,
      creditsLeft: credits,
      balance: opened.balance,
      useUntil: now + Math.min(USE_FOR_MS, opened.expiresInMs / 2),
      lastUsedAt: now,
      inFlight: 0,
      retired: false,
    };
    this.held.set(lease.keyId, lease);
    return lease;
  }

  /** Inserts the job under the lease whose slot it took; gives the slot back when no job came of it. */
  private async submitUnder(lease: HeldLease, input: SubmitJobInput): Promise<Job | null> {
    let job: Job | null = null;
    try {
      job = await this.leases.submit(input, lease.id, lease.balance + lease.creditsLeft);
      return job;
    } finally {
      if (!job) {
        lease.slotsLeft++;
        lease.creditsLeft += input.price;
      }
      lease.inFlight--;
      if (lease.slotsLeft === 0) this.retire(lease);
      else if (lease.retired) this.closeWhenDrained(lease);
    }
  }

  /** No more jobs under this lease; it closes once the jobs being inserted under it are in. */
  private retire(lease: HeldLease) {
    if (this.held.get(lease.keyId) === lease) this.held.delete(lease.keyId);
    lease.retired = true;
    this.closeWhenDrained(lease);
  }

  private closeWhenDrained(lease: HeldLease) {
    if (lease.inFlight > 0 || lease.id < 0) return;
    const id = lease.id;
    lease.id = -1; // closed once
    const closing = this.leases
      .close(id)
      .catch((error: Error) => this.logger.warn(`lease ${id} not closed (${error.message}); it closes when it expires`))
      .finally(() => this.closing.delete(closing));
    this.closing.add(closing);
  }

  private retireIdle() {
    const now = Date.now();
    for (const lease of this.held.values()) {
      if (now - lease.lastUsedAt >= IDLE_MS || now >= lease.useUntil) this.retire(lease);
    }
  }

  private async closeExpired() {
    try {
      const closed = await this.leases.closeExpired();
      if (closed > 0) this.logger.log(`closed ${closed} expired admission lease(s) of replicas gone`);
    } catch (error) {
      this.logger.warn(`closing expired admission leases failed: ${(error as Error).message}`);
    }
  }
}
