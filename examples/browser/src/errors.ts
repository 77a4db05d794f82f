/**
 * Errors as a person reads them. The library's errors (`SentiMlopsError`) already say what went
 * wrong and how to fix it — an MLflow server that refuses the page's origin names the server flags
 * `--cors-allowed-origins` and `--allowed-hosts` — so they are shown as they are, with their code.
 */
import { isSentiMlopsError } from "senti-mlops";

/** One line for the page: the library's message and code, or any other error's message. */
export function describeError(error: unknown): string {
  if (isSentiMlopsError(error)) return `${error.message} (${error.code})`;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Shows `error` in an alert element, or clears it with `undefined`. */
export function showError(target: HTMLElement, error: unknown): void {
  target.textContent = error === undefined ? "" : describeError(error);
  target.hidden = error === undefined;
}
