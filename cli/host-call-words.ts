/**
 * Host call arguments in words: for each `env.proxy_*` call, what its numbers mean (map and buffer
 * names, the header names and values, buffer ranges, property paths, callout targets), read from
 * guest memory. Used only by the trace of `run`, `test` and the playground, never by the gateway.
 * @module
 */
import { decodePairs } from "../abi/pairs.ts";
import { BufferType, LogLevel, MapType, MetricType, Status, StreamType } from "../abi/types.ts";

/** Guest memory as the decoder reads it; reads out of bounds give null. */
export interface MemoryView {
  bytes(ptr: number, len: number): Uint8Array | null;
  u32(ptr: number): number | null;
}

/** A view over `memory` that re-reads its buffer on every access (it may have grown). */
export function memoryView(memory: () => WebAssembly.Memory | null): MemoryView {
  return {
    bytes(ptr, len) {
      const buffer = memory()?.buffer;
      if (!buffer || ptr < 0 || len < 0 || ptr + len > buffer.byteLength) return null;
      return new Uint8Array(buffer, ptr, len).slice();
    },
    u32(ptr) {
      const buffer = memory()?.buffer;
      if (!buffer || ptr < 0 || ptr + 4 > buffer.byteLength) return null;
      return new DataView(buffer).getUint32(ptr, true);
    },
  };
}

const TEXT_LIMIT = 200;
/** Marks an out-value the host did not write. */
const NOTHING = new Uint8Array(0);
const decoder = new TextDecoder();

/** A quoted, shortened rendering of bytes (JSON escapes; non-text bytes as \u…). */
export function quote(bytes: Uint8Array | null): string {
  if (bytes === null) return "<out of bounds>";
  if (bytes === NOTHING) return "–";
  const text = decoder.decode(bytes.subarray(0, TEXT_LIMIT));
  return JSON.stringify(text) + (bytes.length > TEXT_LIMIT ? `…(${bytes.length} bytes)` : "");
}

/** The enum member's name in snake case, or the number when it has none. */
function named(values: Record<number, string>, value: number): string {
  const name = values[value];
  return name === undefined ? String(value) : name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

export const mapName = (type: number) => named(MapType, type);
export const bufferName = (type: number) => named(BufferType, type);
export const statusName = (status: number) => named(Status, status);

type Decoder = (memory: MemoryView, args: number[]) => string;

const text = (m: MemoryView, ptr: number, len: number) => quote(m.bytes(ptr, len));
/**
 * Whether the call being described answered OK: out-slots hold results only then (otherwise
 * they keep whatever the guest left there), so they are shown as "–".
 */
let answeredOk = true;

/** The bytes a host call wrote back through a (ptr, len) out-slot pair. */
const returned = (m: MemoryView, ptrSlot: number, lenSlot: number) => {
  if (!answeredOk) return NOTHING;
  const ptr = m.u32(ptrSlot);
  const len = m.u32(lenSlot);
  return ptr === null || len === null ? null : len === 0 ? new Uint8Array(0) : m.bytes(ptr, len);
};
const pairs = (bytes: Uint8Array | null) => {
  if (bytes === null) return "<out of bounds>";
  if (bytes === NOTHING) return "–";
  if (bytes.length === 0) return "{}";
  const decoded = decodePairs(bytes);
  return decoded === null ? "<bad pairs>" : `{ ${decoded.map(([n, v]) => `${n}: ${JSON.stringify(v)}`).join(", ")} }`;
};
const path = (m: MemoryView, ptr: number, len: number) => {
  const bytes = m.bytes(ptr, len);
  if (bytes === null) return "<out of bounds>";
  return decoder.decode(bytes).split("\0").filter((s) => s !== "").join(".");
};
const range = (start: number, length: number) => `[${start}, +${length === 0xffffffff ? "max" : length}]`;

/** A u32 the host wrote to an out-slot. */
const outU32 = (m: MemoryView, slot: number) => (answeredOk ? String(m.u32(slot)) : "–");

/** Decoders by host call name; a call without one is shown with its raw arguments. */
const DECODERS: Record<string, Decoder> = {
  proxy_log: (m, [level, p, l]) => `${named(LogLevel, level)} ${text(m, p, l)}`,
  proxy_get_log_level: (m, [out]) => `→ ${answeredOk ? named(LogLevel, m.u32(out) ?? -1) : "–"}`,
  proxy_set_tick_period_milliseconds: (_m, [ms]) => `${ms} ms`,
  proxy_set_effective_context: (_m, [id]) => `context ${id}`,
  proxy_call_foreign_function: (m, [np, nl, ap, al]) => `${text(m, np, nl)} args ${text(m, ap, al)}`,
  proxy_get_configuration: (m, [po, lo]) => `→ ${quote(returned(m, po, lo))}`,
  proxy_get_buffer_bytes: (m, [type, start, length, po, lo]) => `${bufferName(type)} ${range(start, length)} → ${quote(returned(m, po, lo))}`,
  proxy_get_buffer_status: (m, [type, lo]) => `${bufferName(type)} → length ${outU32(m, lo)}`,
  proxy_set_buffer_bytes: (m, [type, start, length, p, l]) => `${bufferName(type)} ${range(start, length)} ← ${text(m, p, l)}`,
  proxy_get_header_map_pairs: (m, [type, po, lo]) => `${mapName(type)} → ${pairs(returned(m, po, lo))}`,
  proxy_set_header_map_pairs: (m, [type, p, l]) => `${mapName(type)} ← ${pairs(m.bytes(p, l))}`,
  proxy_get_header_map_size: (m, [type, out]) => `${mapName(type)} → ${outU32(m, out)}`,
  proxy_get_header_map_value: (m, [type, kp, kl, po, lo]) => `${mapName(type)} ${text(m, kp, kl)} → ${quote(returned(m, po, lo))}`,
  proxy_add_header_map_value: (m, [type, kp, kl, vp, vl]) => `${mapName(type)} ${text(m, kp, kl)}: ${text(m, vp, vl)}`,
  proxy_replace_header_map_value: (m, [type, kp, kl, vp, vl]) => `${mapName(type)} ${text(m, kp, kl)}: ${text(m, vp, vl)}`,
  proxy_remove_header_map_value: (m, [type, kp, kl]) => `${mapName(type)} ${text(m, kp, kl)}`,
  proxy_get_property: (m, [pp, pl, po, lo]) => `${path(m, pp, pl)} → ${quote(returned(m, po, lo))}`,
  proxy_set_property: (m, [pp, pl, vp, vl]) => `${path(m, pp, pl)} ← ${text(m, vp, vl)}`,
  proxy_continue_stream: (_m, [type]) => named(StreamType, type),
  proxy_close_stream: (_m, [type]) => named(StreamType, type),
  proxy_send_local_response: (m, [status, dp, dl, bp, bl, hp, hl, grpc]) =>
    `${status} details ${text(m, dp, dl)} body ${text(m, bp, bl)} headers ${pairs(m.bytes(hp, hl))}${grpc === 0xffffffff || grpc === -1 ? "" : ` grpc ${grpc}`}`,
  proxy_http_call: (m, [up, ul, hp, hl, bp, bl, _tp, _tl, timeout, tokenOut]) =>
    `${text(m, up, ul)} ${pairs(m.bytes(hp, hl))} body ${text(m, bp, bl)} timeout ${timeout} ms → token ${outU32(m, tokenOut)}`,
  proxy_get_shared_data: (m, [kp, kl, po, lo, cas]) => `${text(m, kp, kl)} → ${quote(returned(m, po, lo))} cas ${outU32(m, cas)}`,
  proxy_set_shared_data: (m, [kp, kl, vp, vl, cas]) => `${text(m, kp, kl)} ← ${text(m, vp, vl)} cas ${cas}`,
  proxy_register_shared_queue: (m, [np, nl, out]) => `${text(m, np, nl)} → queue ${outU32(m, out)}`,
  proxy_resolve_shared_queue: (m, [vp, vl, np, nl, out]) => `${text(m, vp, vl)} ${text(m, np, nl)} → queue ${outU32(m, out)}`,
  proxy_enqueue_shared_queue: (m, [id, p, l]) => `queue ${id} ← ${text(m, p, l)}`,
  proxy_dequeue_shared_queue: (m, [id, po, lo]) => `queue ${id} → ${quote(returned(m, po, lo))}`,
  proxy_define_metric: (m, [type, np, nl, out]) => `${named(MetricType, type)} ${text(m, np, nl)} → id ${outU32(m, out)}`,
};

/** The arguments of host call `name` in words, read after the call returned `status` (out-slots filled when OK). */
export function describeHostCall(name: string, memory: MemoryView, args: readonly (number | bigint)[], status: number): string {
  const decoder = DECODERS[name];
  answeredOk = status === Status.Ok;
  const numbers = args.map((arg) => (typeof arg === "bigint" ? Number(arg) : arg >>> 0));
  if (decoder) {
    try {
      return decoder(memory, numbers);
    } catch {
      // Fall back to the raw arguments below.
    }
  }
  return args.map(String).join(", ");
}
