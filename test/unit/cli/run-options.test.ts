import { describe, expect, it } from "vitest";
import { LogLevel } from "../../../abi/types.ts";
import { parseRunOptions } from "../../../cli/run-options.ts";

describe("run's flags", () => {
  it("default to one GET / answered 200 by the upstream, callouts failing, every log line shown", () => {
    expect(parseRunOptions(["f.wasm"])).toEqual({
      file: "f.wasm",
      config: "",
      rootId: "",
      vmConfig: "",
      request: { method: "GET", path: "/", headers: [], body: "" },
      upstream: { status: 200, headers: [], body: "" },
      callout: null,
      calloutUrl: null,
      ticks: 0,
      logLevel: LogLevel.Trace,
      json: false,
      expectStatus: null,
      showAllocations: false,
    });
  });

  it("take repeatable headers, the request line, the upstream's and the callouts' answers", () => {
    const options = parseRunOptions([
      "f.wasm", "--request", "post /items?x=1", "--header", "X-One: 1", "--header", "x-two:2", "--body", "{}",
      "--response-status", "201", "--response-header", "etag: abc", "--callout-response", "403 no way", "--callout-header", "x-why: test",
      "--ticks", "2", "--log-level", "warn", "--root-id", "r", "--vm-config", "v", "--config", "c", "--expect-status", "403",
    ]);
    expect(options.request).toEqual({ method: "POST", path: "/items?x=1", headers: [["x-one", "1"], ["x-two", "2"]], body: "{}" });
    expect(options.upstream).toEqual({ status: 201, headers: [["etag", "abc"]], body: "" });
    expect(options.callout).toEqual({ status: 403, headers: [["x-why", "test"]], body: "no way" });
    expect(options).toMatchObject({ ticks: 2, logLevel: LogLevel.Warn, rootId: "r", vmConfig: "v", config: "c", expectStatus: 403 });
  });

  it("take a callout URL without its trailing slash, and refuse one that is not http(s)", () => {
    expect(parseRunOptions(["f.wasm", "--callout-url", "http://127.0.0.1:9000/"]).calloutUrl).toBe("http://127.0.0.1:9000");
    expect(() => parseRunOptions(["f.wasm", "--callout-url", "ftp://x"])).toThrow('--callout-url must be an http(s) URL, got "ftp://x"');
  });

  it("refuse a header without a colon and an unknown log level", () => {
    expect(() => parseRunOptions(["f.wasm", "--header", "nocolon"])).toThrow('--header must look like "name: value", got "nocolon"');
    expect(() => parseRunOptions(["f.wasm", "--log-level", "loud"])).toThrow(/--log-level must be one of trace, debug/);
  });
});
