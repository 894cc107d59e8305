import { describe, expect, it } from "vitest";
import type { CalloutRequest, CalloutResult } from "../../../../abi/callout-api.ts";
import { encodePairs } from "../../../../abi/pairs.ts";
import { Status } from "../../../../abi/types.ts";
import { startProbe } from "../support/harness.ts";

const TOKEN = 100;
const HEADERS = encodePairs([[":method", "GET"], [":path", "/check"], [":authority", "auth"]]);

/** The response callback writes what it saw to memory: token, headers, body length, trailers, and the :status value. */
const RECEIVER = `
  (func (export "proxy_on_http_call_response") (param $root i32) (param $token i32) (param $h i32) (param $b i32) (param $t i32)
    (i32.store (i32.const 3000) (local.get $root))
    (i32.store (i32.const 3004) (local.get $token))
    (i32.store (i32.const 3008) (local.get $h))
    (i32.store (i32.const 3012) (local.get $b))
    (i32.store (i32.const 3016) (local.get $t)))`;

function fakeHost(result: CalloutResult) {
  const sent: CalloutRequest[] = [];
  return {
    sent,
    send(request: CalloutRequest) {
      sent.push(request);
      return request.upstream === "auth" ? Promise.resolve(result) : Status.BadArgument;
    },
  };
}

const OK: CalloutResult = { ok: true, response: { headers: [[":status", "200"], ["x-a", "1"]], body: new TextEncoder().encode("hello"), trailers: [] } };

describe("proxy_http_call", () => {
  it("dispatches with a non-zero token and delivers the response to the root context later, never inside the call", async () => {
    const host = fakeHost(OK);
    const probe = await startProbe({ callouts: host, extra: RECEIVER });
    const stream = probe.stream();
    const [up, upLen] = probe.put(200, "auth");
    const [hdr, hdrLen] = probe.put(300, HEADERS);
    expect(probe.call(stream.context, "proxy_http_call", up, upLen, hdr, hdrLen, 0, 0, 0, 0, 500, TOKEN)).toBe(Status.Ok);
    const token = probe.u32(TOKEN);
    expect(token).not.toBe(0);
    expect(host.sent[0]).toMatchObject({ upstream: "auth", timeoutMs: 500, headers: [[":method", "GET"], [":path", "/check"], [":authority", "auth"]] });
    expect(probe.u32(3004)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect([probe.u32(3000), probe.u32(3004), probe.u32(3008), probe.u32(3012), probe.u32(3016)]).toEqual([probe.plugin.root.id, token, 2, 5, 0]);
    expect(stream.context.pendingCallouts).toBe(0);
  });

  it("refuses a request without :method or :path, and an unknown upstream, with BadArgument", async () => {
    const probe = await startProbe({ callouts: fakeHost(OK) });
    const ctx = probe.stream().context;
    const [up, upLen] = probe.put(200, "auth");
    const [bad, badLen] = probe.put(300, encodePairs([[":path", "/x"]]));
    expect(probe.call(ctx, "proxy_http_call", up, upLen, bad, badLen, 0, 0, 0, 0, 0, TOKEN)).toBe(Status.BadArgument);
    const [other, otherLen] = probe.put(200, "evil.example");
    const [hdr, hdrLen] = probe.put(300, HEADERS);
    expect(probe.call(ctx, "proxy_http_call", other, otherLen, hdr, hdrLen, 0, 0, 0, 0, 0, TOKEN)).toBe(Status.BadArgument);
  });

  it("without a callout host every call is BadArgument", async () => {
    const probe = await startProbe();
    const [up, upLen] = probe.put(200, "auth");
    const [hdr, hdrLen] = probe.put(300, HEADERS);
    expect(probe.call(probe.stream().context, "proxy_http_call", up, upLen, hdr, hdrLen, 0, 0, 0, 0, 0, TOKEN)).toBe(Status.BadArgument);
  });

  it("a failed callout is delivered as (0, 0, 0) and proxy_get_status says BrokenConnection with the reason", async () => {
    const probe = await startProbe({ callouts: fakeHost({ ok: false, reason: "timeout" }), extra: RECEIVER });
    const root = probe.plugin.root;
    const [up, upLen] = probe.put(200, "auth");
    const [hdr, hdrLen] = probe.put(300, HEADERS);
    expect(probe.call(root, "proxy_http_call", up, upLen, hdr, hdrLen, 0, 0, 0, 0, 0, TOKEN)).toBe(Status.Ok);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect([probe.u32(3008), probe.u32(3012), probe.u32(3016)]).toEqual([0, 0, 0]);
    expect(probe.call(root, "proxy_get_status", 400, 404, 408)).toBe(Status.Ok);
    expect(probe.u32(400)).toBe(Status.BrokenConnection);
    expect(new TextDecoder().decode(probe.returned(404))).toBe("timeout");
  });

  it("the call response maps and body are readable only while it is being delivered", async () => {
    const probe = await startProbe({ callouts: fakeHost(OK) });
    const ctx = probe.stream().context;
    expect(probe.call(ctx, "proxy_get_buffer_bytes", 4, 0, 10, 100, 104)).toBe(Status.NotFound);
    probe.vm.callResponse = OK.ok ? OK.response : null;
    expect(probe.call(ctx, "proxy_get_buffer_bytes", 4, 0, 10, 100, 104)).toBe(Status.Ok);
    expect(new TextDecoder().decode(probe.returned(100))).toBe("hello");
    const [key, keyLen] = probe.put(200, ":status");
    expect(probe.call(ctx, "proxy_get_header_map_value", 6, key, keyLen, 100, 104)).toBe(Status.Ok);
    expect(new TextDecoder().decode(probe.returned(100))).toBe("200");
  });
});
