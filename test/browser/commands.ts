/**
 * Browser commands: Node-side functions that tests running in Chromium (the browser project in
 * vitest.config.ts) call as `commands.<name>(…)` from `vitest/browser`. Arguments and results cross
 * a WebSocket as JSON.
 */
import type { BrowserCommand } from "vitest/node";

export const browserCommands: Record<string, BrowserCommand<never[]>> = {};
