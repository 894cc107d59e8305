import { describe, expect, it } from "vitest";
import { LogLevel, Status } from "../../../../abi/types.ts";
import { startProbe } from "../support/harness.ts";

const OUT = 100;
/** The first address past the probe's 4 pages of memory. */
const BEYOND = 4 * 65536;

/** A host that logs each filter at its own level, as the gateway may configure per filter. */
const perFilter = (levels: Record<string, LogLevel>) => (filter: string) => levels[filter] ?? LogLevel.Info;

describe("proxy_get_log_level", () => {
  it("each filter's guest sees the level the host gives that filter", async () => {
    const logLevel = perFilter({ auth: LogLevel.Debug, cache: LogLevel.Error });
    const auth = await startProbe({ filter: "auth", logLevel });
    const cache = await startProbe({ filter: "cache", logLevel });
    const other = await startProbe({ filter: "other", logLevel });
    expect(auth.call(auth.plugin.root, "proxy_get_log_level", OUT)).toBe(Status.Ok);
    expect(auth.u32(OUT)).toBe(LogLevel.Debug);
    expect(cache.call(cache.plugin.root, "proxy_get_log_level", OUT)).toBe(Status.Ok);
    expect(cache.u32(OUT)).toBe(LogLevel.Error);
    expect(other.call(other.stream().context, "proxy_get_log_level", OUT)).toBe(Status.Ok);
    expect(other.u32(OUT)).toBe(LogLevel.Info);
  });

  it("the filter's level also decides which proxy_log lines reach the host", async () => {
    const probe = await startProbe({ filter: "quiet", logLevel: perFilter({ quiet: LogLevel.Warn }) });
    const [msg, len] = probe.put(200, "detail");
    expect(probe.call(probe.plugin.root, "proxy_log", LogLevel.Info, msg, len)).toBe(Status.Ok);
    expect(probe.call(probe.plugin.root, "proxy_log", LogLevel.Error, msg, len)).toBe(Status.Ok);
    expect(probe.host.logs.filter((line) => line.message === "detail").map((line) => line.level)).toEqual([LogLevel.Error]);
  });

  it("a host level outside 0–5 (Envoy's 6 = off) is clamped to critical", async () => {
    const probe = await startProbe({ logLevel: () => 6 as LogLevel });
    expect(probe.call(probe.plugin.root, "proxy_get_log_level", OUT)).toBe(Status.Ok);
    expect(probe.u32(OUT)).toBe(LogLevel.Critical);
  });

  it("an out-of-bounds out-slot is InvalidMemoryAccess", async () => {
    const probe = await startProbe();
    expect(probe.call(probe.plugin.root, "proxy_get_log_level", BEYOND - 3)).toBe(Status.InvalidMemoryAccess);
  });
});
