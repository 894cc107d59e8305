import { describe, expect, it } from "vitest";
import { BufferType, Status } from "../../../../abi/types.ts";
import { startProbe } from "../support/harness.ts";

const OUT = 100;
const DATA = 300;
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("buffer host calls", () => {
  it("the plugin configuration is readable while configuring, with Rust's max size 0xFFFFFFFF", async () => {
    const probe = await startProbe({ config: '{"k":"v"}' });
    const root = probe.plugin.root;
    root.step = "configure";
    expect(probe.call(root, "proxy_get_buffer_bytes", BufferType.PluginConfiguration, 0, 0xffffffff, OUT, OUT + 4)).toBe(Status.Ok);
    expect(text(probe.returned(OUT))).toBe('{"k":"v"}');
  });

  it("the plugin configuration is NotFound outside on_configure", async () => {
    const probe = await startProbe({ config: "x" });
    expect(probe.call(probe.plugin.root, "proxy_get_buffer_bytes", BufferType.PluginConfiguration, 0, 10, OUT, OUT + 4)).toBe(Status.NotFound);
  });

  it("the VM configuration is always readable", async () => {
    const probe = await startProbe({ vmConfig: "vm-cfg" });
    expect(probe.call(probe.plugin.root, "proxy_get_buffer_bytes", BufferType.VmConfiguration, 0, 0x7fffffff, OUT, OUT + 4)).toBe(Status.Ok);
    expect(text(probe.returned(OUT))).toBe("vm-cfg");
  });

  it("get_buffer_bytes clamps start and length to the buffer", async () => {
    const probe = await startProbe({ vmConfig: "abcdef" });
    const root = probe.plugin.root;
    expect(probe.call(root, "proxy_get_buffer_bytes", BufferType.VmConfiguration, 2, 3, OUT, OUT + 4)).toBe(Status.Ok);
    expect(text(probe.returned(OUT))).toBe("cde");
    expect(probe.call(root, "proxy_get_buffer_bytes", BufferType.VmConfiguration, 4, 0xffffffff, OUT, OUT + 4)).toBe(Status.Ok);
    expect(text(probe.returned(OUT))).toBe("ef");
    expect(probe.call(root, "proxy_get_buffer_bytes", BufferType.VmConfiguration, 99, 5, OUT, OUT + 4)).toBe(Status.Ok);
    expect([probe.u32(OUT), probe.u32(OUT + 4)]).toEqual([0, 0]);
  });

  it("an empty result is written as 0/0 without calling the guest's allocator", async () => {
    const probe = await startProbe({ vmConfig: "" });
    const before = (probe.vm.instance.exports.allocations as WebAssembly.Global).value;
    expect(probe.call(probe.plugin.root, "proxy_get_buffer_bytes", BufferType.VmConfiguration, 0, 10, OUT, OUT + 4)).toBe(Status.Ok);
    expect((probe.vm.instance.exports.allocations as WebAssembly.Global).value).toBe(before);
  });

  it("an unknown buffer type is BadArgument", async () => {
    const probe = await startProbe();
    expect(probe.call(probe.plugin.root, "proxy_get_buffer_bytes", 9, 0, 1, OUT, OUT + 4)).toBe(Status.BadArgument);
  });

  it("set_buffer_bytes splices the body: prepend, replace a range, append, replace all", async () => {
    const probe = await startProbe();
    const ctx = probe.stream().context;
    ctx.exchange.requestBody = new TextEncoder().encode("hello world");
    const [data, len] = probe.put(DATA, ">>");
    expect(probe.call(ctx, "proxy_set_buffer_bytes", BufferType.HttpRequestBody, 0, 0, data, len)).toBe(Status.Ok);
    expect(text(ctx.exchange.requestBody!)).toBe(">>hello world");
    expect(probe.call(ctx, "proxy_set_buffer_bytes", BufferType.HttpRequestBody, 2, 5, data, len)).toBe(Status.Ok);
    expect(text(ctx.exchange.requestBody!)).toBe(">>>> world");
    expect(probe.call(ctx, "proxy_set_buffer_bytes", BufferType.HttpRequestBody, 0x7fffffff, 0, data, len)).toBe(Status.Ok);
    expect(text(ctx.exchange.requestBody!)).toBe(">>>> world>>");
    expect(probe.call(ctx, "proxy_set_buffer_bytes", BufferType.HttpRequestBody, 0, 0xffffffff, data, len)).toBe(Status.Ok);
    expect(text(ctx.exchange.requestBody!)).toBe(">>");
  });

  it("configuration buffers are read-only", async () => {
    const probe = await startProbe();
    const [data, len] = probe.put(DATA, "x");
    expect(probe.call(probe.stream().context, "proxy_set_buffer_bytes", BufferType.PluginConfiguration, 0, 0, data, len)).toBe(Status.BadArgument);
  });

  it("get_buffer_status reports the body length", async () => {
    const probe = await startProbe();
    const ctx = probe.stream().context;
    ctx.exchange.responseBody = new Uint8Array(17);
    expect(probe.call(ctx, "proxy_get_buffer_status", BufferType.HttpResponseBody, OUT, OUT + 4)).toBe(Status.Ok);
    expect([probe.u32(OUT), probe.u32(OUT + 4)]).toEqual([17, 0]);
  });

  it("a deferred body's size is known without reading it; its bytes are not there for an immediate host call", async () => {
    const probe = await startProbe();
    const ctx = probe.stream().context;
    let reads = 0;
    ctx.exchange.deferredResponseBody = { size: 23, read: async () => (reads++, new Uint8Array(23)) };
    expect(probe.call(ctx, "proxy_get_buffer_status", BufferType.HttpResponseBody, OUT, OUT + 4)).toBe(Status.Ok);
    expect([probe.u32(OUT), probe.u32(OUT + 4)]).toEqual([23, 0]);
    expect(probe.call(ctx, "proxy_get_buffer_bytes", BufferType.HttpResponseBody, 0, 23, OUT, OUT + 4)).toBe(Status.NotFound);
    const [data, len] = probe.put(DATA, "x");
    expect(probe.call(ctx, "proxy_set_buffer_bytes", BufferType.HttpResponseBody, 0, 0, data, len)).toBe(Status.NotFound);
    expect(reads).toBe(0);
  });

  it("reading a deferred body fills the buffer once, and a failed read is kept for the gateway", async () => {
    const probe = await startProbe();
    const exchange = probe.stream().context.exchange;
    exchange.deferredRequestBody = { size: 2, read: async () => new TextEncoder().encode("hi") };
    expect(await exchange.readDeferredBody("request")).toBe(true);
    expect(text(exchange.requestBody!)).toBe("hi");
    expect(exchange.deferredRequestBody).toBeNull();
    const broken = new Error("upstream reset");
    exchange.deferredResponseBody = { size: 2, read: async () => Promise.reject(broken) };
    expect(await exchange.readDeferredBody("response")).toBe(false);
    expect(exchange.bodyReadFailure).toBe(broken);
  });

  it("0.1.0 get_configuration returns the plugin configuration while configuring, else the VM's", async () => {
    const probe = await startProbe({ abiVersion: "0.1.0", config: "plugin", vmConfig: "vm" });
    const root = probe.plugin.root;
    root.step = "configure";
    expect(probe.call(root, "proxy_get_configuration", OUT, OUT + 4)).toBe(Status.Ok);
    expect(text(probe.returned(OUT))).toBe("plugin");
    root.step = "idle";
    expect(probe.call(root, "proxy_get_configuration", OUT, OUT + 4)).toBe(Status.Ok);
    expect(text(probe.returned(OUT))).toBe("vm");
  });
});
