/**
 * Builds test modules from WAT with wabt (the features the filters' toolchains use are on).
 * @module
 */
import wabtInit from "wabt";

const wabt = await wabtInit();

/** Compiles WAT text to module bytes, keeping names (so the name section path is exercised). */
export function wat(text: string): Uint8Array {
  const module = wabt.parseWat("test.wat", text, {
    exceptions: true,
    mutable_globals: true,
    sat_float_to_int: true,
    sign_extension: true,
    simd: true,
    multi_value: true,
    tail_call: true,
    bulk_memory: true,
    reference_types: true,
  });
  try {
    module.resolveNames();
    module.validate();
    return module.toBinary({ write_debug_names: true }).buffer;
  } finally {
    module.destroy();
  }
}
