/**
 * Process groups of the test peers (mlflow server, moto): peers run in their own group (they fork
 * workers), so stopping signals the whole group and waits until none of it is left; groups still
 * running when the test process exits are killed.
 */

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Keeps the last `maxChars` characters a child wrote to stdout and stderr (for error messages when
 * a peer exits or does not answer); `note` appends a line of the caller's own.
 */
export function keepOutputTail(child: { stdout: NodeJS.ReadableStream | null; stderr: NodeJS.ReadableStream | null }, maxChars: number): { text(): string; note(line: string): void } {
  let tail = "";
  const append = (chunk: Buffer | string) => {
    tail = (tail + chunk.toString()).slice(-maxChars);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  return { text: () => tail, note: (line) => append(`\n${line}`) };
}

/** True while any process of the group `pgid` exists (zombies included). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

export async function waitGroupGone(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!groupAlive(pgid)) return true;
    await sleep(50);
  }
  return !groupAlive(pgid);
}

// Groups still running when this process exits (e.g. a crashed test run) are killed synchronously.
const running = new Set<number>();
let exitHookInstalled = false;

export function trackGroup(pgid: number): void {
  running.add(pgid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const g of running) killGroup(g, "SIGKILL");
    });
  }
}

export function untrackGroup(pgid: number): void {
  running.delete(pgid);
}
