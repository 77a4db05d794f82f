/**
 * A globalSetup (last in vitest.config.ts): makes sure Debian's Chromium is installed once per test
 * run, before any worker starts, so that the browser tests' hooks do not race to install it.
 * Installs only; each browser test file launches its own browser.
 */
import { ensureChromium } from "./chromium.js";

export default function setup(): void {
  ensureChromium((line) => process.stderr.write(`[browser] ${line}\n`));
}
