import { describe, expect, it } from "vitest";
import { LogLevel, Status } from "../../../../abi/types.ts";
import { startProbe } from "../support/harness.ts";

const OUT = 100;

describe("logging, time and context host calls", () => {
  it("proxy_log writes the message at its level, with the filter's name", async () => {
    const probe = await startProbe();
    const [msg, len] = probe.put(200, "hello from the guest");
    expect(probe.call(probe.plugin.root, "proxy_log", LogLevel.Warn, msg, len)).toBe(Status.Ok);
    expect(probe.host.logs).toContainEqual({ filter: "probe", level: LogLevel.Warn, message: "hello from the guest" });
  });

  it("proxy_log refuses a level above critical", async () => {
    const probe = await startProbe();
    const [msg, len] = probe.put(200, "x");
    expect(probe.call(probe.plugin.root, "proxy_log", 6, msg, len)).toBe(Status.BadArgument);
  });

  it("proxy_get_log_level answers the host's level for the filter", async () => {
    const probe = await startProbe();
    expect(probe.call(probe.plugin.root, "proxy_get_log_level", OUT)).toBe(Status.Ok);
    expect(probe.u32(OUT)).toBe(LogLevel.Trace);
  });

  it("proxy_get_current_time_nanoseconds writes the wall clock as u64", async () => {
    const probe = await startProbe();
    expect(probe.call(probe.plugin.root, "proxy_get_current_time_nanoseconds", OUT)).toBe(Status.Ok);
    expect(probe.u64(OUT)).toBe(1_700_000_000_123_456_789n);
  });

  it("proxy_set_effective_context redirects later host calls to the stream, and unknown ids are BadArgument", async () => {
    const probe = await startProbe();
    const stream = probe.stream([["x-a", "1"]]);
    expect(probe.call(probe.plugin.root, "proxy_set_effective_context", 999)).toBe(Status.BadArgument);
    expect(probe.call(probe.plugin.root, "proxy_set_effective_context", stream.context.id)).toBe(Status.Ok);
  });

  it("an unknown foreign function is NotFound", async () => {
    const probe = await startProbe();
    const [name, len] = probe.put(200, "no_such_function");
    expect(probe.call(probe.plugin.root, "proxy_call_foreign_function", name, len, 0, 0, OUT, OUT + 4)).toBe(Status.NotFound);
  });
});
