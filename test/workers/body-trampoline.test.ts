import { describe, expect, it } from "vitest";
import { HttpExchange } from "../../abi/exchange.ts";
import { HeaderMap } from "../../abi/header-map.ts";
import type { VmHost } from "../../abi/host-api.ts";
import { Plugin } from "../../abi/plugin.ts";
import { Action, LogLevel } from "../../abi/types.ts";
import { Vm } from "../../abi/vm.ts";
import { bufferSwitch, modules } from "./support/modules.ts";

const BODY = new TextEncoder().encode("hello");

const host: VmHost = {
  log: () => undefined,
  logLevel: () => LogLevel.Warn,
  now: () => 0n,
  monotonic: () => 0n,
  random: (bytes) => bytes,
};

/**
 * A stream of deferred-body-guard (reads the whole body at its end, traps if re-entered) in its
 * response body phase, with a body of five bytes not read yet.
 */
function streamWithUnreadBody() {
  const vm = Vm.create(modules["deferred-body-guard"], { filter: "guard", vmId: "guard", abi: "0.2.1", env: {}, host, bufferSwitch });
  const plugin = Plugin.start(vm, { name: "guard", rootId: "", configuration: new Uint8Array(), vmConfiguration: new Uint8Array() });
  const exchange = new HttpExchange(new HeaderMap([]), { get: () => undefined, set: () => undefined });
  exchange.responseHeaders = new HeaderMap([["content-length", String(BODY.length)]]);
  const reads: number[] = [];
  exchange.deferredResponseBody = {
    size: BODY.length,
    read: async () => {
      reads.push(BODY.length);
      return BODY;
    },
  };
  return { vm, stream: plugin.createStream(exchange), exchange, reads };
}

describe("body callbacks that may read a deferred body", () => {
  it("a callback that leaves the body unread returns its action at once, without a promise or the VM's lock", () => {
    const { vm, stream, reads } = streamWithUnreadBody();
    const action = stream.onResponseBody(BODY.length, false);
    expect(action).toBe(Action.Continue);
    expect(reads).toEqual([]);
    expect(vm.locked).toBe(false);
    expect(vm.defersBodies).toBe(true);
  });

  it("a callback that reads the body suspends: the VM is held until its action comes with the body read", async () => {
    const { vm, stream, exchange, reads } = streamWithUnreadBody();
    const action = stream.onResponseBody(BODY.length, true);
    expect(action).toBeInstanceOf(Promise);
    expect(vm.locked).toBe(true);
    expect(await action).toBe(Action.Continue);
    expect(vm.locked).toBe(false);
    expect(reads).toEqual([BODY.length]);
    expect(new TextDecoder().decode(exchange.responseBody!)).toBe("SEEN:hello");
  });

  it("one that returned at once leaves the VM free for the next callback, which may then suspend", async () => {
    const { vm, stream } = streamWithUnreadBody();
    expect(stream.onResponseBody(BODY.length, false)).toBe(Action.Continue);
    const last = stream.onResponseBody(BODY.length, true);
    expect(last).toBeInstanceOf(Promise);
    expect(await last).toBe(Action.Continue);
    expect(vm.failure).toBeNull();
  });
});
