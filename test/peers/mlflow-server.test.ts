import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, inject, it } from "vitest";
import { startMlflowServer } from "./mlflow-server.js";

async function post(url: string, path: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

/** Every pid whose process group is `pgid` (read from /proc, so no `ps` dependency). */
function processesInGroup(pgid: number): number[] {
  const out = execFileSync("sh", ["-c", `for s in /proc/[0-9]*/stat; do cat "$s" 2>/dev/null; echo; done`], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const pids: number[] = [];
  for (const line of out.split("\n")) {
    // pid (comm) state ppid pgrp ...; comm may contain spaces, so split after the last ')'.
    const close = line.lastIndexOf(")");
    if (close < 0) continue;
    const fields = line.slice(close + 2).split(" ");
    if (Number(fields[2]) === pgid) pids.push(Number(line.slice(0, line.indexOf(" "))));
  }
  return pids;
}

describe("shared mlflow server (globalSetup)", () => {
  const url = inject("mlflowUrl");

  it("creates an experiment over REST and reads it back", async () => {
    const name = `peer-check-${Date.now()}-${Math.random().toString(16).slice(2)}`;
    const created = await post(url, "/api/2.0/mlflow/experiments/create", { name });
    expect(created.status).toBe(200);
    expect(created.json.experiment_id).toMatch(/^\d+$/);

    const res = await fetch(`${url}/api/2.0/mlflow/experiments/get?experiment_id=${created.json.experiment_id}`);
    expect(res.status).toBe(200);
    const { experiment } = await res.json();
    expect(experiment).toMatchObject({ experiment_id: created.json.experiment_id, name, lifecycle_stage: "active" });

    const again = await post(url, "/api/2.0/mlflow/experiments/create", { name });
    expect(again.status).toBe(400);
    expect(again.json.error_code).toBe("RESOURCE_ALREADY_EXISTS");
  });
});

describe("private mlflow server", () => {
  it("starts on its own database and stops without leaving processes behind", async () => {
    const server = await startMlflowServer({ keepDir: false });
    const pgid = server.pid;
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.backendStoreUri).toBe(`sqlite:///${server.dir}/mlflow.db`);
      expect(existsSync(`${server.dir}/mlflow.db`)).toBe(true);
      const health = await fetch(`${server.url}/health`);
      expect(health.status).toBe(200);
      const search = await post(server.url, "/api/2.0/mlflow/experiments/search", { max_results: 10 });
      expect(search.status).toBe(200);
      // A fresh database holds only the Default experiment that MLflow inserts at startup.
      expect(search.json.experiments.map((e: { name: string }) => e.name)).toEqual(["Default"]);
      expect(processesInGroup(pgid).length).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
    expect(processesInGroup(pgid)).toEqual([]);
    expect(existsSync(server.dir)).toBe(false);
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
    await server.stop(); // idempotent
  });
});
