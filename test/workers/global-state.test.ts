import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Status } from "../../abi/types.ts";
import { globalStateService } from "../../worker/state/state-service.ts";
import { gatewayFor, type TestGateway } from "./support/gateway.ts";

// Isolate-scoped and global entries of one filter are kept in separate gateways: one config must
// not mix them (the loader refuses entries of one VM id that disagree).

/** A gateway whose route runs the CAS counter with `shared_state`, and these bindings. */
function counterGateway(sharedState: "global" | "isolate", bindings: Record<string, unknown> = {}, policy = "fail_closed"): TestGateway {
  return gatewayFor(
    `
_format_version: "3.0"
services:
  - name: echo
    url: $UPSTREAM
    routes:
      - name: count
        paths: ["/count"]
        filter_chains:
          - filters:
              - name: cas-counter
                shared_state: ${sharedState}
                failure_policy: ${policy}
`,
    { PROXY_WASM_STATE: env.PROXY_WASM_STATE, ...bindings },
  );
}

async function count(gateway: TestGateway): Promise<number> {
  const response = await gateway.fetch("/count");
  expect(response.status).toBe(200);
  return new DataView(await response.arrayBuffer()).getUint32(0, true);
}

/** A namespace whose every object call fails or never answers: a state outage. */
function brokenNamespace(behaviour: "reject" | "hang"): DurableObjectNamespace {
  const call = () => (behaviour === "reject" ? Promise.reject(new Error("Durable Object is overloaded")) : new Promise(() => {}));
  const stub = new Proxy({}, { get: () => call });
  return { idFromName: () => ({}), get: () => stub } as unknown as DurableObjectNamespace;
}

describe("global shared data on Durable Objects", () => {
  it("counts exactly across VMs: four gateways, 250 CAS increments each, concurrently", { timeout: 120_000 }, async () => {
    const gateways = [0, 1, 2, 3].map(() => counterGateway("global", { PROXY_WASM_STATE_SHARDS: "4" }));
    // The first write creates the key; a set on a missing key ignores its CAS (Envoy), so start from one.
    const first = await count(gateways[0]);
    const rounds = 250;
    const counts = await Promise.all(
      gateways.map(async (gateway) => {
        const seen: number[] = [];
        for (let i = 0; i < rounds; i += 10) seen.push(...(await Promise.all(Array.from({ length: 10 }, () => count(gateway)))));
        return seen;
      }),
    );
    const all = counts.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(Math.max(...all)).toBe(first + 4 * rounds);
  });

  it("a read answered from an isolate's cache cannot lose a write: the stale CAS fails and refreshes it", async () => {
    const [a, b] = [0, 1].map(() => counterGateway("global", { PROXY_WASM_STATE_CACHE_MS: "60000" }));
    const first = await count(a);
    expect(await count(b)).toBe(first + 1);
    // a's cache still holds its own write; the guest's CAS loop retries with the refreshed value.
    expect(await count(a)).toBe(first + 2);
    expect(await count(b)).toBe(first + 3);
  });

  it("keeps isolate-scoped state in the isolate, apart from the global state", async () => {
    const global = counterGateway("global");
    const before = await count(global);
    const isolate = counterGateway("isolate");
    await count(isolate);
    await count(isolate);
    expect(await count(global)).toBe(before + 1);
  });

  it("answers a stale CAS with CasMismatch, a missing key NotFound, and deletes by null", async () => {
    const service = globalStateService(env.PROXY_WASM_STATE, 4);
    expect(await service.getData("vm-a", "k")).toBeUndefined();
    expect(await service.setData("vm-a", "k", new Uint8Array([1]), 12345)).toBe(Status.Ok);
    const first = (await service.getData("vm-a", "k"))!;
    expect(first.cas).not.toBe(0);
    expect(await service.setData("vm-a", "k", new Uint8Array([2]), first.cas)).toBe(Status.Ok);
    expect(await service.setData("vm-a", "k", new Uint8Array([3]), first.cas)).toBe(Status.CasMismatch);
    const second = (await service.getData("vm-a", "k"))!;
    expect([...second.value]).toEqual([2]);
    expect(second.cas).not.toBe(first.cas);
    expect(await service.setData("vm-a", "k", new Uint8Array([4]), 0)).toBe(Status.Ok);
    expect(await service.getData("vm-b", "k")).toBeUndefined();
    expect(await service.setData("vm-a", "k", null, 0)).toBe(Status.Ok);
    expect(await service.getData("vm-a", "k")).toBeUndefined();
  });

  it("runs one callback of a VM at a time: requests that arrive while it is suspended wait their turn", async () => {
    const gateway = counterGateway("global");
    // The guest traps if a second callback starts while the first one waits for the state service.
    const statuses = await Promise.all(Array.from({ length: 20 }, () => gateway.fetch("/count").then((r) => r.status)));
    expect(statuses).toEqual(Array(20).fill(200));
    expect(gateway.logs.join("\n")).not.toMatch(/unreachable/);
  });
});

describe("a state outage", () => {
  it("fails a fail_closed request with Kong's 500 and logs the shard", async () => {
    const gateway = counterGateway("global", { PROXY_WASM_STATE: brokenNamespace("reject") });
    const response = await gateway.fetch("/count");
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ message: "An unexpected error occurred" });
    expect(gateway.logs.join("\n")).toMatch(/global state: get "counter" \(shard cas-counter\/\d+\) failed: Error: Durable Object is overloaded/);
  });

  it("lets a fail_open request through without the filter", async () => {
    const gateway = counterGateway("global", { PROXY_WASM_STATE: brokenNamespace("reject") }, "fail_open");
    const response = await gateway.fetch("/count");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ method: "GET" });
  });

  it("times a state call out after PROXY_WASM_STATE_TIMEOUT_MS instead of hanging", async () => {
    const gateway = counterGateway("global", { PROXY_WASM_STATE: brokenNamespace("hang"), PROXY_WASM_STATE_TIMEOUT_MS: "100" });
    const started = Date.now();
    const response = await gateway.fetch("/count");
    expect(response.status).toBe(500);
    // One timeout, not one per retry of the guest's CAS loop.
    expect(Date.now() - started).toBeLessThan(1000);
    expect(gateway.logs.join("\n")).toMatch(/no answer within 100 ms/);
  });

  it("keeps serving isolate-scoped routes while the state service is down", async () => {
    const gateway = counterGateway("isolate", { PROXY_WASM_STATE: brokenNamespace("reject") });
    expect(await count(gateway)).toBeGreaterThan(0);
  });
});

/** A gateway whose routes /enqueue, /dequeue and /ready run the queue worker with global state. */
function queueGateway(): TestGateway {
  return gatewayFor(
    `
_format_version: "3.0"
services:
  - name: echo
    url: $UPSTREAM
    routes:
      - name: jobs
        paths: ["/"]
        filter_chains:
          - filters:
              - name: queue-worker
                shared_state: global
`,
    { PROXY_WASM_STATE: env.PROXY_WASM_STATE },
  );
}

describe("global shared queues", () => {
  it("hands every item to exactly one consumer, whichever VM enqueued it and whichever dequeues", async () => {
    const [a, b] = [queueGateway(), queueGateway()];
    const items = Array.from({ length: 40 }, (_, i) => `job-${i}`);
    for (const [i, item] of items.entries()) {
      const response = await (i % 2 === 0 ? a : b).fetch("/enqueue", { headers: { "x-item": item } });
      expect(response.status).toBe(201);
    }
    const taken: string[] = [];
    const drain = async (gateway: TestGateway) => {
      for (;;) {
        const response = await gateway.fetch("/dequeue");
        if (response.status === 204) return;
        expect(response.status).toBe(200);
        taken.push(await response.text());
      }
    };
    await Promise.all([drain(a), drain(b), drain(a), drain(b)]);
    expect(taken.sort()).toEqual([...items].sort());
  });

  it("tells the registered root context of the enqueuing isolate with on_queue_ready", async () => {
    const gateway = queueGateway();
    const ready = async () => new DataView(await (await gateway.fetch("/ready")).arrayBuffer()).getUint32(0, true);
    const before = await ready();
    expect((await gateway.fetch("/enqueue", { headers: { "x-item": "wake" } })).status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await ready()).toBeGreaterThan(before);
    expect((await gateway.fetch("/dequeue")).status).toBe(200);
  });
});
