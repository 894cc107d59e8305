/**
 * The bytes of the buffer switch: a tiny module that stands between a filter and the two body
 * buffer host calls that may have to wait for bytes (`proxy_get_buffer_bytes`,
 * `proxy_set_buffer_bytes`). A `WebAssembly.Suspending` import throws when it is reached outside
 * `WebAssembly.promising`, even when it would not suspend, so a filter cannot import it directly
 * and still be called synchronously. The switch imports both forms of each host call and calls
 * the suspending one only while its exported global `suspendable` is 1, which the host sets for
 * the callbacks it runs through `WebAssembly.promising`.
 *
 * Workers compile no Wasm at run time, so the build writes these bytes next to the bundle's
 * filters (it is written here as bytes because it is five instructions long and the build must
 * not need a Wasm toolchain).
 * @module
 */

/** The host calls the switch routes, in the order of its exports (both take five i32s). */
export const SWITCHED_HOST_CALLS = ["proxy_get_buffer_bytes", "proxy_set_buffer_bytes"] as const;

/** The switch's import module name; each host call is imported as `<name>` and `<name>_suspending`. */
export const SWITCH_IMPORT_MODULE = "host";

const I32 = 0x7f;
const PARAMS = 5;

function unsigned(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...unsigned(bytes.length), ...bytes];
}

function vector(items: number[][]): number[] {
  return [...unsigned(items.length), ...items.flat()];
}

function section(id: number, content: number[]): number[] {
  return [id, ...unsigned(content.length), ...content];
}

/** `global.get 0; if (result i32) <args> call suspending else <args> call immediate end`. */
function switchBody(immediate: number, suspending: number): number[] {
  const args = Array.from({ length: PARAMS }, (_, i) => [0x20, i]).flat();
  const code = [0x00, 0x23, 0x00, 0x04, I32, ...args, 0x10, suspending, 0x05, ...args, 0x10, immediate, 0x0b, 0x0b];
  return [...unsigned(code.length), ...code];
}

/** Encodes the switch module. */
export function bufferSwitchModuleBytes(): Uint8Array<ArrayBuffer> {
  const type = [0x60, ...unsigned(PARAMS), ...new Array<number>(PARAMS).fill(I32), 0x01, I32];
  const imports = SWITCHED_HOST_CALLS.flatMap((call) => [
    [...name(SWITCH_IMPORT_MODULE), ...name(call), 0x00, 0x00],
    [...name(SWITCH_IMPORT_MODULE), ...name(`${call}_suspending`), 0x00, 0x00],
  ]);
  const functions = SWITCHED_HOST_CALLS.map(() => [0x00]);
  const firstOwn = imports.length;
  const exports = [
    [...name("suspendable"), 0x03, 0x00],
    ...SWITCHED_HOST_CALLS.map((call, i) => [...name(call), 0x00, ...unsigned(firstOwn + i)]),
  ];
  const bodies = SWITCHED_HOST_CALLS.map((_, i) => switchBody(2 * i, 2 * i + 1));
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([type])),
    ...section(2, vector(imports)),
    ...section(3, vector(functions)),
    ...section(6, vector([[I32, 0x01, 0x41, 0x00, 0x0b]])),
    ...section(7, vector(exports)),
    ...section(10, vector(bodies)),
  ]);
}
