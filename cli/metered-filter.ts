/**
 * The fuel-metered bytes of a filter, cached by content: metering loads binaryen (13 MB, seconds
 * under tsx) and rewrites the module, so a build that meters nothing new does neither.
 * @module
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Bump when the transform's output changes, so older cache entries are not reused. */
const METERING_FORMAT = "1";

/** The cache folder: the project's `node_modules/.cache` when there is one, else the temp folder. */
function cacheDir(): string {
  const modules = join(process.cwd(), "node_modules");
  return existsSync(modules) ? join(modules, ".cache", "proxy-wasm-workers", "metered") : join(tmpdir(), "proxy-wasm-workers-metered");
}

export async function meteredFilter(bytes: Uint8Array): Promise<Uint8Array> {
  const key = createHash("sha256").update(METERING_FORMAT).update(bytes).digest("hex");
  const file = join(cacheDir(), `${key}.wasm`);
  try {
    return new Uint8Array(await readFile(file));
  } catch {
    // Not cached yet.
  }
  const { meterModule } = await import("../metering/meter-module.ts");
  const metered = meterModule(bytes).bytes;
  await mkdir(cacheDir(), { recursive: true });
  // Written aside and renamed, so a concurrent build never reads half a file.
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, metered);
  await rename(partial, file);
  return metered;
}
