// Levelled logging through `proxy_log`.
//
// The SDK's own `log()` (a FastEdge workaround in this fork) writes
// "[LEVEL]: text" to WASI stdout instead, which every host logs at one fixed
// level; calling the host's `proxy_log` keeps warnings distinguishable from
// info lines in the gateway's log.
import { proxy_log } from "@gcoredev/proxy-wasm-sdk-as/assembly/imports";
import { LogLevelValues } from "@gcoredev/proxy-wasm-sdk-as/assembly";

function write(level: LogLevelValues, message: string): void {
  const bytes = String.UTF8.encode(message);
  // A failing log must not take the filter down, so the status is ignored.
  proxy_log(level as usize, changetype<usize>(bytes), bytes.byteLength);
}

export function logInfo(message: string): void {
  write(LogLevelValues.info, message);
}

export function logWarn(message: string): void {
  write(LogLevelValues.warn, message);
}
