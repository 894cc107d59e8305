// Decides whether a build output can be reused.
//
// mtime-based, as `npm test` runs the build every time and must be cheap.
// npm rewrites node_modules/.package-lock.json on every install that changes
// a package, so listing it as an input rebuilds everything after a toolchain
// or SDK upgrade without hashing node_modules.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Newest mtime (ms) of the given files; missing files are skipped. */
function newestMtime(files: readonly string[]): number {
  let newest = 0;
  for (const file of files) {
    try {
      newest = Math.max(newest, statSync(file).mtimeMs);
    } catch {
      // An optional input (e.g. no .package-lock.json yet) does not exist.
    }
  }
  return newest;
}

/** True when `output` exists and is newer than every existing input. */
export function isUpToDate(output: string, inputs: readonly string[]): boolean {
  let outputMtime: number;
  try {
    outputMtime = statSync(output).mtimeMs;
  } catch {
    return false;
  }
  return outputMtime > newestMtime(inputs);
}

/** Every file below `dir`, recursively, as paths joined onto `dir`. */
export function filesBelow(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...filesBelow(path));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}
