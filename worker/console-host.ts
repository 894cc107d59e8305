/**
 * The VmHost of a Workers isolate: filter logs go to the console with the filter's name,
 * clocks come from the platform, randomness from `crypto`.
 * @module
 */
import type { VmHost } from "../abi/host-api.ts";
import { LOG_LEVEL_NAMES, LogLevel } from "../abi/types.ts";

const LEVELS: Record<string, LogLevel> = Object.fromEntries(LOG_LEVEL_NAMES.map((name, level) => [name, level]));

/** Parses a log level name (`trace` … `critical`), defaulting to info. */
export function parseLogLevel(name: string | undefined): LogLevel {
  return (name === undefined ? undefined : LEVELS[name.toLowerCase()]) ?? LogLevel.Info;
}

export function consoleHost(level: LogLevel): VmHost {
  const start = performance.now();
  return {
    log(filter, logLevel, message) {
      const line = `[proxy-wasm] [${LOG_LEVEL_NAMES[logLevel]}] filter ${filter}: ${message}`;
      if (logLevel >= LogLevel.Error) console.error(line);
      else if (logLevel === LogLevel.Warn) console.warn(line);
      else console.log(line);
    },
    logLevel: () => level,
    now: () => BigInt(Date.now()) * 1_000_000n,
    monotonic: () => BigInt(Math.round((performance.now() - start) * 1e6)),
    random: (bytes) => void crypto.getRandomValues(bytes),
  };
}
