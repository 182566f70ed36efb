// CPU time of the processes a gateway run involves, read from /proc (Linux): the gateway and the
// worker by pid, PostgreSQL's backends serving this bench (found by application_name) plus its
// background writers, and the NATS server (found by the port it listens on).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** PostgreSQL's own processes whose work every client's writes cause (WAL, dirty pages, vacuum). */
const POSTGRES_BACKGROUND = ['walwriter', 'background writer', 'checkpointer', 'autovacuum worker', 'autovacuum launcher'];

/** User + system CPU of one process in ms, or 0 once it has gone. */
export function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), counted from field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The pid of the nats-server process serving `port` (its -p/--port, or 4222 when it names none). */
export function natsServerPid(port) {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv;
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (!argv[0]?.endsWith('nats-server')) continue;
    const i = argv.findIndex((a) => a === '-p' || a === '--port');
    const listens = i >= 0 ? Number(argv[i + 1]) : 4222;
    if (listens === port) return Number(entry);
  }
  return null;
}

/**
 * PostgreSQL's processes for this bench: `ours` are the backends whose application_name starts
 * with `prefix`, by role (the part after the prefix); `background` are the server's shared writers.
 */
export async function postgresPids(sql, prefix) {
  const rows = (
    await sql.query('SELECT pid, backend_type, application_name FROM pg_stat_activity WHERE pid <> pg_backend_pid()')
  ).rows;
  const ours = new Map();
  const background = [];
  for (const row of rows) {
    if (row.application_name?.startsWith(prefix)) {
      const role = row.application_name.slice(prefix.length);
      ours.set(role, [...(ours.get(role) ?? []), row.pid]);
    } else if (POSTGRES_BACKGROUND.includes(row.backend_type)) background.push(row.pid);
  }
  return { ours, background };
}

/** CPU ms per named group of pids; call again to get what each group used in between. */
export function cpuSnapshot(groups) {
  const snapshot = {};
  for (const [name, pids] of Object.entries(groups)) {
    snapshot[name] = Object.fromEntries(pids.filter(Boolean).map((pid) => [pid, processCpuMs(pid)]));
  }
  return snapshot;
}

/** CPU ms each group used between two snapshots (a pid that appeared in between counts from 0). */
export function cpuBetween(before, after) {
  const used = {};
  for (const [name, pids] of Object.entries(after)) {
    used[name] = Object.entries(pids).reduce((sum, [pid, ms]) => sum + (ms - (before[name]?.[pid] ?? 0)), 0);
  }
  return used;
}
