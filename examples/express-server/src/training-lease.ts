/**
 * The training lease: at most one training job per registered model across every process and
 * replica that shares a tracking store, held in that store itself so that it works the same on an
 * SQLite file and on an MLflow server.
 *
 * MLflow has no compare-and-set, but creating an experiment is one: experiment names are unique
 * (deleted experiments keep theirs), so exactly one of several concurrent creates of the same name
 * succeeds, on every store. Leases are therefore numbered generations, one experiment each,
 * `senti-mlops.training-lease/<model>/<n>`: a process that finds generation n released or expired
 * takes the lease by creating generation n + 1, and whoever loses that race sees
 * `RESOURCE_ALREADY_EXISTS`. The holder writes its job, run, host, pid and expiry in the
 * generation's tags, renews the expiry while it works, checks that no later generation exists
 * before it promotes anything (so a holder that lost its lease by expiry stops short of the alias),
 * and on release tags the generation released and deletes it (soft: MLflow's UI hides it; the name
 * stays taken, which is what keeps the numbering safe).
 *
 * Like every lease without fencing tokens, this is only as exact as the clocks: a holder stalled
 * for longer than the lease between its last check and the alias move could still move the alias
 * after a successor took over. Leases last minutes and the check is immediately before the move.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { hasErrorCode } from "senti-mlops";
import type { Experiment, TrackingStore } from "senti-mlops/tracking";

const PREFIX = "senti-mlops.training-lease";
const TAG = "senti_mlops.lease.";

/** Who holds (or held) a lease. */
export interface LeaseHolder {
  readonly jobId: string;
  readonly runId: string | null;
  readonly host: string;
  readonly pid: number;
  /** A random id of the holding process's life (pids are reused, e.g. pid 1 in containers). */
  readonly instance: string;
}

/** One generation of the lease as the store has it. */
export interface LeaseRecord {
  readonly generation: number;
  readonly experimentId: string;
  readonly holder: LeaseHolder;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
  /** Released by its holder, or recovered after its holder died. */
  readonly released: boolean;
}

/** A lease this process holds. */
export interface HeldLease {
  readonly generation: number;
  readonly jobId: string;
  /** Records the job's run in the lease (so a successor can end it if this process dies). */
  setRunId(runId: string): Promise<void>;
  /** Pushes the expiry out by the lease's duration. */
  renew(): Promise<void>;
  /** Whether this is still the latest generation and not expired. */
  stillHeld(): Promise<boolean>;
  /** Releases the lease; idempotent. */
  release(): Promise<void>;
}

/** What {@link TrainingLeases.acquire} answers. */
export type Acquired = { readonly lease: HeldLease; readonly previous: LeaseRecord | null } | { readonly heldBy: LeaseRecord };

/** The lease of one registered model. */
export interface TrainingLeases {
  /**
   * Takes the lease for `jobId`, or says who holds it. `previous` is the generation it replaced
   * when that one was neither released (its holder died or stalled): the caller cleans up after it.
   */
  acquire(jobId: string): Promise<Acquired>;
  /** The latest generation, or null when the lease was never taken. */
  latest(): Promise<LeaseRecord | null>;
  /** Marks a generation released (after its holder was found dead and its run ended). */
  markReleased(record: LeaseRecord): Promise<void>;
  /** True when `record`'s holder is a process on this host that no longer runs. */
  holderIsDead(record: LeaseRecord): boolean;
}

/** Options of {@link createTrainingLeases}. */
export interface TrainingLeaseOptions {
  readonly store: TrackingStore;
  readonly registeredModelName: string;
  /** How long a lease lasts without renewal. */
  readonly durationMs: number;
  /** This process's id for the lease (random per process start). */
  readonly instance: string;
  /** The clock. @default Date.now */
  readonly now?: () => number;
}

function experimentName(model: string, generation: number): string {
  // Experiment names have a length limit; long or odd model names are hashed.
  const key = /^[\w.-]{1,128}$/.test(model) ? model : createHash("sha256").update(model).digest("hex").slice(0, 32);
  return `${PREFIX}/${key}/${generation}`;
}

function recordOf(generation: number, experiment: Experiment): LeaseRecord {
  const t = experiment.tags;
  return {
    generation,
    experimentId: experiment.experimentId,
    holder: {
      jobId: t[`${TAG}job_id`] ?? "",
      runId: t[`${TAG}run_id`] || null,
      host: t[`${TAG}host`] ?? "",
      pid: Number(t[`${TAG}pid`] ?? 0),
      instance: t[`${TAG}instance`] ?? "",
    },
    expiresAt: Number(t[`${TAG}expires_at`] ?? 0),
    released: t[`${TAG}released`] === "true" || experiment.lifecycleStage === "deleted",
  };
}

/**
 * The lease instances created in this process. A holder with this process's pid but an instance
 * not in here is an earlier life of the pid (e.g. pid 1 of a restarted container), so it is dead;
 * one in here is another service in this same process (tests run several), so it is alive.
 */
const LIVE_INSTANCES = new Set<string>();

function processIsGone(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Creates the training lease of a registered model on a tracking store.
 *
 * @example
 * ```ts
 * const leases = createTrainingLeases({ store: tracking.store, registeredModelName: "sentiment-tfidf", durationMs: 120_000, instance: randomUUID() });
 * const got = await leases.acquire(jobId);
 * if ("heldBy" in got) throw new Error(`job ${got.heldBy.holder.jobId} is training`);
 * try { … } finally { await got.lease.release(); }
 * ```
 */
export function createTrainingLeases(options: TrainingLeaseOptions): TrainingLeases {
  const { store, registeredModelName, durationMs, instance } = options;
  const now = options.now ?? Date.now;
  const host = hostname();
  LIVE_INSTANCES.add(instance);
  // Generations only grow; the last one seen is where the next search starts.
  let known = 0;

  const read = async (generation: number): Promise<LeaseRecord | null> => {
    const experiment = await store.getExperimentByName(experimentName(registeredModelName, generation));
    return experiment ? recordOf(generation, experiment) : null;
  };

  const latest = async (): Promise<LeaseRecord | null> => {
    // Generations are contiguous from 1: gallop past the last one known, then bisect.
    let low = known;
    let lowRecord: LeaseRecord | null = known > 0 ? await read(known) : null;
    let step = 1;
    let high = -1;
    while (high < 0) {
      const probe = await read(low + step);
      if (probe) {
        low += step;
        lowRecord = probe;
        step *= 2;
      } else high = low + step;
    }
    while (high - low > 1) {
      const mid = (low + high) >> 1;
      const probe = await read(mid);
      if (probe) {
        low = mid;
        lowRecord = probe;
      } else high = mid;
    }
    known = low;
    return lowRecord;
  };

  const setTag = (experimentId: string, key: string, value: string) => store.setExperimentTag(experimentId, `${TAG}${key}`, value);

  const markReleased = async (record: LeaseRecord): Promise<void> => {
    const isDeleted = async () => (await store.getExperiment(record.experimentId)).lifecycleStage === "deleted";
    if (await isDeleted()) return;
    try {
      await setTag(record.experimentId, "released", "true");
      await store.deleteExperiment(record.experimentId);
    } catch (e) {
      // Released meanwhile by someone else (its holder, or another process cleaning up after it).
      if (!(await isDeleted().catch(() => false))) throw e;
    }
  };

  const acquire = async (jobId: string): Promise<Acquired> => {
    const current = await latest();
    if (current && !current.released && current.expiresAt > now()) return { heldBy: current };
    const generation = (current?.generation ?? 0) + 1;
    let experimentId: string;
    try {
      experimentId = await store.createExperiment(experimentName(registeredModelName, generation), {
        tags: [
          { key: `${TAG}job_id`, value: jobId },
          { key: `${TAG}host`, value: host },
          { key: `${TAG}pid`, value: String(process.pid) },
          { key: `${TAG}instance`, value: instance },
          { key: `${TAG}expires_at`, value: String(now() + durationMs) },
        ],
      });
    } catch (e) {
      if (!hasErrorCode(e, "RESOURCE_ALREADY_EXISTS")) throw e;
      // Another process took this generation first.
      const winner = (await read(generation)) ?? (await latest());
      if (winner) return { heldBy: winner };
      throw e;
    }
    known = generation;
    let released = false;
    const lease: HeldLease = {
      generation,
      jobId,
      setRunId: (runId) => setTag(experimentId, "run_id", runId),
      renew: () => setTag(experimentId, "expires_at", String(now() + durationMs)),
      async stillHeld() {
        if (released) return false;
        const [mine, next] = await Promise.all([read(generation), read(generation + 1)]);
        return next === null && mine !== null && !mine.released && mine.expiresAt > now();
      },
      async release() {
        if (released) return;
        released = true;
        const mine = await read(generation);
        if (mine && !mine.released) await markReleased(mine);
      },
    };
    return { lease, previous: current && !current.released ? current : null };
  };

  return {
    acquire,
    latest,
    markReleased,
    holderIsDead(record) {
      if (record.released || record.holder.host !== host || record.holder.instance === instance) return false;
      // Same host, another process life: gone if its pid is, or if its pid is ours (reused).
      if (record.holder.pid === process.pid) return !LIVE_INSTANCES.has(record.holder.instance);
      return processIsGone(record.holder.pid);
    },
  };
}
