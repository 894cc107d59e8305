/**
 * The bytes of the buffer switch: a tiny module that stands between a filter and the two body
 * buffer host calls that may have to wait for bytes (`proxy_get_buffer_bytes`,
 * `proxy_set_buffer_bytes`). A `WebAssembly.Suspending` import throws when it is reached outside
 * `WebAssembly.promising`, even when it would not suspend, so a filter cannot import it directly
 * and still be called synchronously. The switch imports both forms of each host call and calls
 * the suspending one only while its exported global `suspendable` is 1, which the host sets for
 * the callbacks it runs through `WebAssembly.promising`.
 *
 * The same module is instantiated a second way per body callback, as its trampoline: it imports
 * the filter's exported body callback (`guest.body_callback`) and exports `run_body_callback`,
 * which calls it and stores its result in the exported global `body_callback_result`. The host
 * runs the trampoline through `WebAssembly.promising` and reads that global right after the call
 * returns: set, the callback ended without suspending and its result is known at once; unset, it
 * is suspended on a body read and the promise brings the result. A body callback that never reads
 * so costs no promise turn and no lock wait. Importing another instance's export checks its type
 * at link time: a filter whose body callback has other types than the ABI's gets no trampoline.
 * (In each role the other role's imports are stubs that are never called.)
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

/** The trampoline role's import of the filter's body callback (`(i32, i32, i32) -> i32`). */
export const BODY_CALLBACK_IMPORT = { module: "guest", name: "body_callback" } as const;

/** The value of `body_callback_result` while the callback has not returned (a result of -1 takes the promise's way). */
export const BODY_CALLBACK_PENDING = -1;

const I32 = 0x7f;
const PARAMS = 5;
const BODY_CALLBACK_PARAMS = 3;

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

/** `local.get 0..2; call body_callback; global.set result; global.get result`. */
function trampolineBody(bodyCallback: number): number[] {
  const args = Array.from({ length: BODY_CALLBACK_PARAMS }, (_, i) => [0x20, i]).flat();
  const code = [0x00, ...args, 0x10, ...unsigned(bodyCallback), 0x24, 0x01, 0x23, 0x01, 0x0b];
  return [...unsigned(code.length), ...code];
}

function functionType(params: number): number[] {
  return [0x60, ...unsigned(params), ...new Array<number>(params).fill(I32), 0x01, I32];
}

/** A mutable i32 global starting at `value` (a one-byte signed LEB128, -64..63). */
function mutableI32(value: number): number[] {
  return [I32, 0x01, 0x41, value & 0x7f, 0x0b];
}

/** Encodes the switch module. */
export function bufferSwitchModuleBytes(): Uint8Array<ArrayBuffer> {
  const [switchedType, bodyCallbackType] = [0x00, 0x01];
  const imports = [
    ...SWITCHED_HOST_CALLS.flatMap((call) => [
      [...name(SWITCH_IMPORT_MODULE), ...name(call), 0x00, switchedType],
      [...name(SWITCH_IMPORT_MODULE), ...name(`${call}_suspending`), 0x00, switchedType],
    ]),
    [...name(BODY_CALLBACK_IMPORT.module), ...name(BODY_CALLBACK_IMPORT.name), 0x00, bodyCallbackType],
  ];
  const bodyCallback = imports.length - 1;
  const functions = [...SWITCHED_HOST_CALLS.map(() => [switchedType]), [bodyCallbackType]];
  const firstOwn = imports.length;
  const trampoline = firstOwn + SWITCHED_HOST_CALLS.length;
  const exports = [
    [...name("suspendable"), 0x03, 0x00],
    ...SWITCHED_HOST_CALLS.map((call, i) => [...name(call), 0x00, ...unsigned(firstOwn + i)]),
    [...name("run_body_callback"), 0x00, ...unsigned(trampoline)],
    [...name("body_callback_result"), 0x03, 0x01],
  ];
  const bodies = [...SWITCHED_HOST_CALLS.map((_, i) => switchBody(2 * i, 2 * i + 1)), trampolineBody(bodyCallback)];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([functionType(PARAMS), functionType(BODY_CALLBACK_PARAMS)])),
    ...section(2, vector(imports)),
    ...section(3, vector(functions)),
    ...section(6, vector([mutableI32(0), mutableI32(BODY_CALLBACK_PENDING)])),
    ...section(7, vector(exports)),
    ...section(10, vector(bodies)),
  ]);
}
