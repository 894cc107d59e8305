// Compiles one WebAssembly text file (a test guest) with wabt's JS API.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { writeOutputAtomically } from "./build-output.ts";

type Wabt = Awaited<ReturnType<typeof import("wabt")>>;
let wabt: Promise<Wabt> | undefined;

/**
 * Guests named `endless-*` loop forever on purpose: they are written only fuel-metered, so no
 * unmetered copy that could hang a local workerd ever exists.
 */
function mustBeMetered(source: string): boolean {
  return basename(source).startsWith("endless-");
}

/** Compiles; throws with wabt's message (file:line:col) on failure. */
export async function compileWatGuest(source: string, output: string): Promise<number> {
  // Loaded on demand so an up-to-date build does not pay for it.
  wabt ??= import("wabt").then((module) => module.default());
  const text = readFileSync(source, "utf8");
  // Guests are plain MVP; the post-MVP features every engine we target
  // (V8 in Node and workerd) ships are accepted so a guest may use them.
  const module = (await wabt).parseWat(basename(source), text, {
    mutable_globals: true,
    sign_extension: true,
    sat_float_to_int: true,
    bulk_memory: true,
    multi_value: true,
  });
  try {
    module.resolveNames();
    module.validate();
    const { buffer } = module.toBinary({ write_debug_names: true });
    // Loaded only when needed: binaryen is a 13 MB module that takes seconds to load under tsx.
    const bytes = mustBeMetered(source) ? (await import("../metering/meter-module.ts")).meterModule(buffer).bytes : buffer;
    writeOutputAtomically(output, bytes);
    return bytes.byteLength;
  } finally {
    module.destroy();
  }
}
