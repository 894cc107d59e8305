/**
 * An error the user can fix (bad flag, missing file, broken filter). The CLI prints only its
 * message and exits 1; anything else is a bug and gets a stack trace.
 * @module
 */

/** A user-facing failure: `main` prints `message` without a stack and exits with status 1. */
export class CliError extends Error {
  override name = "CliError";
}

/**
 * Whether `error` is the config loader's `ConfigError` (from `config/errors.ts`). Checked by
 * shape so the CLI does not depend on the loader's class identity (tsx may load it twice).
 */
export function isConfigError(error: unknown): error is Error & { issues: unknown[] } {
  return error instanceof Error && Array.isArray((error as { issues?: unknown }).issues);
}
