import { describe, expect, it } from "vitest";
import { Status } from "../../../../abi/types.ts";
import { startProbe } from "../support/harness.ts";

const ROOT_TEARDOWN = `
  (global $deleted (export "deleted") (mut i32) (i32.const 0))
  (func (export "proxy_on_done") (param i32) (result i32) (i32.const 0))
  (func (export "proxy_on_delete") (param i32) (global.set $deleted (local.get 0)))`;

const deleted = (probe: Awaited<ReturnType<typeof startProbe>>) => (probe.vm.instance.exports.deleted as WebAssembly.Global).value as number;

describe("root context teardown and proxy_done", () => {
  it("proxy_done answers NotFound while the plugin is not being shut down", async () => {
    const probe = await startProbe({ extra: ROOT_TEARDOWN });
    expect(probe.call(probe.plugin.root, "proxy_done")).toBe(Status.NotFound);
  });

  it("a root that answers false from on_done stays until proxy_done, then gets on_delete after the call", async () => {
    const probe = await startProbe({ extra: ROOT_TEARDOWN });
    const root = probe.plugin.root;
    probe.plugin.shutdown();
    expect(root.step).toBe("done_pending");
    expect(deleted(probe)).toBe(0);
    expect(probe.call(root, "proxy_done")).toBe(Status.Ok);
    expect(deleted(probe)).toBe(0);
    await Promise.resolve();
    expect(deleted(probe)).toBe(root.id);
    expect(probe.call(root, "proxy_done")).toBe(Status.NotFound);
  });

  it("a root without on_done is deleted at once", async () => {
    const probe = await startProbe();
    probe.plugin.shutdown();
    expect(probe.plugin.root.step).toBe("deleted");
    expect(probe.vm.contexts.has(probe.plugin.root.id)).toBe(false);
  });
});

describe("gRPC callouts", () => {
  it("starting a call answers InternalFailure and any token is unknown", async () => {
    const probe = await startProbe();
    const root = probe.plugin.root;
    const [name, len] = probe.put(200, "svc");
    expect(probe.call(root, "proxy_grpc_call", name, len, name, len, name, len, 0, 0, 0, 0, 1000, 100)).toBe(Status.InternalFailure);
    expect(probe.call(root, "proxy_grpc_stream", name, len, name, len, name, len, 0, 0, 100)).toBe(Status.InternalFailure);
    expect(probe.call(root, "proxy_grpc_send", 1, 0, 0, 1)).toBe(Status.NotFound);
    expect(probe.call(root, "proxy_grpc_cancel", 1)).toBe(Status.NotFound);
    expect(probe.call(root, "proxy_grpc_close", 1)).toBe(Status.NotFound);
  });
});

describe("proxy_validate_configuration", () => {
  it("is asked before on_configure, and a false answer rejects the plugin", async () => {
    await expect(startProbe({ extra: `(func (export "proxy_validate_configuration") (param i32 i32) (result i32) (i32.const 0))` })).rejects.toMatchObject({
      kind: "configure",
      callback: "proxy_validate_configuration",
    });
    const accepted = await startProbe({ extra: `(func (export "proxy_validate_configuration") (param i32 i32) (result i32) (i32.const 1))` });
    expect(accepted.vm.failure).toBeNull();
  });
});
