/**
 * Real Chromium for the browser tests: Debian's `chromium` package, driven by playwright-core.
 * No browser is downloaded (never `npx playwright install`): when /usr/bin/chromium is missing,
 * {@link ensureChromium} installs the package with apt-get, which needs root (CI runs as root);
 * without root it throws, saying what to run. The tests never skip for a missing browser.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";
const INSTALL_COMMAND = "apt-get update && apt-get install -y --no-install-recommends chromium";

/** Installs Debian's Chromium when it is missing; returns its path. Throws when it cannot. */
export function ensureChromium(log: (line: string) => void = () => {}): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (process.platform !== "linux" || typeof process.getuid !== "function" || process.getuid() !== 0) {
    throw new Error(
      `The browser tests need Debian's Chromium at ${CHROMIUM_PATH}, which is missing, and this process is not root so it cannot install it. Run as root: ${INSTALL_COMMAND}`,
    );
  }
  log(`${CHROMIUM_PATH} is missing; running: ${INSTALL_COMMAND}`);
  const started = Date.now();
  try {
    execFileSync("sh", ["-c", INSTALL_COMMAND], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? "";
    throw new Error(`Installing Chromium failed (${INSTALL_COMMAND}):\n${stderr.slice(-4000)}`, { cause: error });
  }
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${INSTALL_COMMAND} succeeded but ${CHROMIUM_PATH} is still missing`);
  log(`Chromium installed in ${Math.round((Date.now() - started) / 1000)}s`);
  return CHROMIUM_PATH;
}

export interface LaunchedChromium {
  readonly browser: Browser;
  /** Closes the browser; safe to call twice. */
  close(): Promise<void>;
}

/** Launches Chromium headless (installing it first when missing). */
export async function launchChromium(): Promise<LaunchedChromium> {
  const executablePath = ensureChromium();
  const browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox"] });
  let closed = false;
  return {
    browser,
    async close() {
      if (closed) return;
      closed = true;
      await browser.close();
    },
  };
}
