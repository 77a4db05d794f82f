/**
 * The training lease (examples/express-server/src/training-lease.ts) on every kind of tracking
 * store the service runs on: the in-memory store, an SQLite file in MLflow's schema (two
 * connections, as two processes have), and a real `mlflow server` over REST. Many concurrent
 * acquires: exactly one wins; a held lease refuses; an expired one is taken over and its holder
 * sees it has lost it; released leases leave nothing in the active experiment list.
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, inject, test } from "vitest";
import { createTrainingLeases, type TrainingLeases } from "../../examples/express-server/src/training-lease.js";
import { createTracking, type Tracking } from "../../src/entries/tracking.js";
import { tempDir } from "./helpers.js";

const dir = tempDir("senti-lease-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Backend {
  name: string;
  /** Two clients of one store (two processes' worth). */
  open(): Promise<[Tracking, Tracking]>;
}

const backends: Backend[] = [
  {
    name: "memory:",
    async open() {
      const t = await createTracking("memory:");
      return [t, t];
    },
  },
  {
    name: "sqlite:///",
    async open() {
      const uri = `sqlite:///${join(dir, `${randomUUID()}.db`)}`;
      return [await createTracking(uri), await createTracking(uri)];
    },
  },
  {
    name: "an MLflow server (REST)",
    async open() {
      const url = inject("mlflowUrl");
      return [await createTracking(url), await createTracking(url)];
    },
  },
];

describe.each(backends)("the training lease on $name", (backend) => {
  test("concurrent acquires: one wins, the rest see the winner; a held lease refuses; release frees it", async () => {
    const [one, two] = await backend.open();
    try {
      const model = `lease-test-${randomUUID().slice(0, 8)}`;
      const leases: TrainingLeases[] = Array.from({ length: 6 }, (_, i) =>
        createTrainingLeases({ store: (i % 2 ? two : one).store, registeredModelName: model, durationMs: 60_000, instance: randomUUID() }),
      );
      const results = await Promise.all(leases.map((l, i) => l.acquire(`job-${i}`)));
      const won = results.filter((r) => "lease" in r);
      expect(won).toHaveLength(1);
      const winner = won[0]! as Extract<(typeof results)[number], { lease: unknown }>;
      for (const r of results) if ("heldBy" in r) expect(r.heldBy.holder.jobId).toBe(winner.lease.jobId);
      expect(await winner.lease.stillHeld()).toBe(true);
      await winner.lease.setRunId("run-1");
      expect((await leases[3]!.latest())!.holder.runId).toBe("run-1");
      expect("heldBy" in (await leases[4]!.acquire("late"))).toBe(true);

      await winner.lease.release();
      expect(await winner.lease.stillHeld()).toBe(false);
      const next = await leases[5]!.acquire("after-release");
      expect("lease" in next && next.lease.generation).toBe(winner.lease.generation + 1);
      expect("lease" in next && next.previous).toBeNull();
      if ("lease" in next) await next.lease.release();
      // Released generations are deleted experiments: the active list does not show them.
      const active = await one.store.searchExperiments({ filter: `name LIKE 'senti-mlops.training-lease/${model}/%'` });
      expect(active.items).toEqual([]);
    } finally {
      await one.close();
      if (two !== one) await two.close();
    }
  });

  test("an expired lease is taken over (previous is reported for clean-up) and its holder learns it lost it", async () => {
    const [one, two] = await backend.open();
    try {
      const model = `lease-test-${randomUUID().slice(0, 8)}`;
      let now = 1_000_000;
      const clock = () => now;
      const a = createTrainingLeases({ store: one.store, registeredModelName: model, durationMs: 10_000, instance: randomUUID(), now: clock });
      const b = createTrainingLeases({ store: two.store, registeredModelName: model, durationMs: 10_000, instance: randomUUID(), now: clock });
      const first = await a.acquire("stalled");
      if (!("lease" in first)) throw new Error("the first acquire must win");
      now += 5_000;
      expect("heldBy" in (await b.acquire("too-early"))).toBe(true);
      await first.lease.renew();
      now += 9_000;
      expect("heldBy" in (await b.acquire("renewed"))).toBe(true);
      now += 2_000;
      const second = await b.acquire("successor");
      if (!("lease" in second)) throw new Error("an expired lease must be taken over");
      expect(second.previous).toMatchObject({ generation: first.lease.generation, holder: { jobId: "stalled" }, released: false });
      expect(await first.lease.stillHeld()).toBe(false);
      expect(await second.lease.stillHeld()).toBe(true);
      await b.markReleased(second.previous!);
      await second.lease.release();
      await first.lease.release();
    } finally {
      await one.close();
      if (two !== one) await two.close();
    }
  });
});
