/**
 * binaryen.js prints validation errors straight to the process's stdout/stderr (its print
 * functions were bound when the module loaded, so patching `console` does not reach them). The
 * transform calls `validate` on purpose with feature sets that fail, so that output is captured
 * here instead: dropped during feature probing, put into the error message on a real failure.
 * @module
 */

/** Runs `run` with the process's stdout and stderr writes captured; returns its result and the text. */
export function captureOutput<T>(run: () => T): { result: T; output: string } {
  const stdout = process.stdout.write;
  const stderr = process.stderr.write;
  let output = "";
  const sink = ((chunk: string | Uint8Array) => {
    output += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = sink;
  process.stderr.write = sink;
  try {
    return { result: run(), output };
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
  }
}
