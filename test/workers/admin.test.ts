import { beforeEach, describe, expect, it } from "vitest";
import { isolateMetricsRegistry } from "../../abi/metrics.ts";
import { MetricType } from "../../abi/types.ts";
import { CONFIG_KEY } from "../../worker/admin/config-store.ts";
import { adminWorker, configKv, GREETING_SCHEMA, TOKEN } from "./support/admin-worker.ts";

const CONFIG = `
_format_version: "3.0"
services:
  - name: demo
    url: $UPSTREAM
    filter_chains:
      - name: demo-chain
        filters:
          - name: greeting
            config: { my_greeting: "from the service" }
          - name: trap-when-asked
            enabled: false
    routes:
      - name: english
        paths: ["/en"]
        filter_chains:
          - filters:
              - name: greeting
                config: { my_greeting: "Hello" }
      - name: plain
        paths: ["/plain"]
`;

type Json = Record<string, any>;
const body = async (response: Response) => (await response.json()) as Json;

beforeEach(async () => {
  await configKv().delete(CONFIG_KEY);
});

describe("admin API access", () => {
  it("does not exist without ADMIN_TOKEN: the path is proxied like any other", async () => {
    const worker = adminWorker(CONFIG, { ADMIN_TOKEN: undefined });
    const response = await worker.fetch("/_admin/services", { token: TOKEN });
    expect(response.status).toBe(404);
    expect((await body(response)).message).toBe("no Route matched with those values");
  });

  it("answers 401 without a token or with a wrong one", async () => {
    const worker = adminWorker(CONFIG);
    for (const token of [null, "wrong", `${TOKEN}x`, TOKEN.slice(0, -1)]) {
      const response = await worker.fetch("/_admin/services", { token });
      expect(response.status).toBe(401);
      expect(await body(response)).toEqual({ message: "Unauthorized" });
    }
    expect((await worker.fetch("/_admin/services", { headers: { authorization: `Basic ${TOKEN}` } })).status).toBe(401);
  });

  it("serves under ADMIN_PATH_PREFIX", async () => {
    const worker = adminWorker(CONFIG, { ADMIN_PATH_PREFIX: "/ops/kong" });
    expect((await worker.fetch("/ops/kong/services", { token: TOKEN })).status).toBe(200);
    expect((await worker.fetch("/_admin/services", { token: TOKEN })).status).toBe(404);
  });

  it("serves on ADMIN_HOST at the root, and proxies other hosts", async () => {
    const worker = adminWorker(CONFIG, { ADMIN_HOST: "admin.gateway.test" });
    const admin = await worker.fetch("/services", { host: "admin.gateway.test", token: TOKEN });
    expect(admin.status).toBe(200);
    expect((await body(admin)).data).toHaveLength(1);
    const proxied = await worker.fetch("/en", { host: "gateway.test", token: TOKEN });
    expect(proxied.headers.get("x-greeting")).toBe("from the service, Hello");
  });

  it("answers Kong's 404 body for unknown admin paths", async () => {
    const response = await adminWorker(CONFIG).admin("/nope");
    expect(response.status).toBe(404);
    expect(await body(response)).toEqual({ message: "Not found" });
  });
});

describe("admin API views of the running config", () => {
  it("GET /status names the running config version and its size", async () => {
    const worker = adminWorker(CONFIG);
    await worker.fetch("/en");
    const status = await body(await worker.admin("/status"));
    expect(status.config).toMatchObject({ version: "bundle", origin: "bundle", services: 1, routes: 2, filter_chains: 2 });
    expect(status.server.total_requests).toBe(1);
    expect(status.configuration_hash).toMatch(/^[0-9a-f]{32}$/);
    expect(status.config_store).toBe("kv");
  });

  it("GET /status and /metrics show the linear memory of every started VM", async () => {
    const worker = adminWorker(CONFIG);
    await worker.fetch("/en");
    const status = await body(await worker.admin("/status"));
    expect(status.memory.vms.length).toBeGreaterThan(0);
    for (const vm of status.memory.vms) {
      expect(vm).toMatchObject({ filter: "greeting", failed: false });
      expect(vm.linear_memory_bytes).toBeGreaterThanOrEqual(65536);
    }
    const metrics = await (await worker.admin("/metrics")).text();
    expect(metrics).toMatch(/# TYPE pw_vm_linear_memory_bytes gauge\npw_vm_linear_memory_bytes\{filter="greeting",plugin="[^"]+"\} \d+\n/);
  });

  it("GET /services and /services/{id|name} show services in Kong's shape", async () => {
    const worker = adminWorker(CONFIG);
    const list = await body(await worker.admin("/services"));
    expect(list.next).toBeNull();
    expect(list.data).toHaveLength(1);
    const service = list.data[0];
    expect(service).toMatchObject({ name: "demo", protocol: "http", host: "127.0.0.1", retries: 5, connect_timeout: 60000, enabled: true });
    expect(await body(await worker.admin("/services/demo"))).toEqual(service);
    expect(await body(await worker.admin(`/services/${service.id}`))).toEqual(service);
    expect((await worker.admin("/services/missing")).status).toBe(404);
  });

  it("GET /routes and /routes/{id|name} show routes with their service", async () => {
    const worker = adminWorker(CONFIG);
    const service = (await body(await worker.admin("/services/demo")));
    const routes = (await body(await worker.admin("/routes"))).data;
    expect(routes.map((r: Json) => r.name)).toEqual(["english", "plain"]);
    expect(routes[0]).toMatchObject({ paths: ["/en"], strip_path: true, preserve_host: false, service: { id: service.id } });
    expect(await body(await worker.admin("/routes/english"))).toEqual(routes[0]);
    expect((await worker.admin("/routes/nope")).status).toBe(404);
  });

  it("GET /filter-chains lists each chain with its owner and JSON configs", async () => {
    const worker = adminWorker(CONFIG);
    const chains = (await body(await worker.admin("/filter-chains"))).data;
    expect(chains).toHaveLength(2);
    expect(chains[0]).toMatchObject({
      name: "demo-chain",
      enabled: true,
      route: null,
      filters: [
        { name: "greeting", config: { my_greeting: "from the service" }, enabled: true },
        { name: "trap-when-asked", config: null, enabled: false },
      ],
    });
    expect(chains[0].service.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(chains[1].route.id).toBe((await body(await worker.admin("/routes/english"))).id);
    expect(await body(await worker.admin("/filter-chains/demo-chain"))).toEqual(chains[0]);
  });

  it("GET /filters lists the bundled filters with ABI version, size and imports", async () => {
    const filters = (await body(await adminWorker(CONFIG).admin("/filters"))).data as Json[];
    const greeting = filters.find((f) => f.name === "greeting");
    expect(greeting).toEqual({ name: "greeting", abi_version: "0.2.1", size: 40622, imports: ["env.proxy_log"], has_config_schema: true });
    // Without build facts the module itself still tells its ABI and imports.
    const trap = filters.find((f) => f.name === "trap-when-asked");
    expect(trap).toMatchObject({ size: null, has_config_schema: false });
    expect(trap!.abi_version).toMatch(/^0\.\d\.\d$/);
    expect(trap!.imports.length).toBeGreaterThan(0);
  });

  it("GET /schemas/filters/{name} gives the schema, Kong's default, or 404", async () => {
    const worker = adminWorker(CONFIG);
    expect(await body(await worker.admin("/schemas/filters/greeting"))).toEqual(GREETING_SCHEMA);
    expect(await body(await worker.admin("/schemas/filters/trap-when-asked"))).toEqual({ type: ["string", "null"] });
    const missing = await worker.admin("/schemas/filters/nope");
    expect(missing.status).toBe(404);
    expect(await body(missing)).toEqual({ message: "Filter 'nope' not found" });
  });

  it("GET /routes/{id}/filters/{all,enabled,disabled} shows the plan with from service or route", async () => {
    const worker = adminWorker(CONFIG);
    const chains = (await body(await worker.admin("/filter-chains"))).data;
    const all = (await body(await worker.admin("/routes/english/filters/all"))).filters;
    expect(all).toEqual([
      expect.objectContaining({ name: "greeting", from: "service", enabled: true, filter_chain: { id: chains[0].id, name: "demo-chain" } }),
      expect.objectContaining({ name: "trap-when-asked", from: "service", enabled: false }),
      expect.objectContaining({ name: "greeting", from: "route", config: { my_greeting: "Hello" }, filter_chain: { id: chains[1].id, name: null } }),
    ]);
    const enabled = (await body(await worker.admin("/routes/english/filters/enabled"))).filters;
    expect(enabled.map((f: Json) => [f.name, f.from])).toEqual([["greeting", "service"], ["greeting", "route"]]);
    const disabled = (await body(await worker.admin("/routes/english/filters/disabled"))).filters;
    expect(disabled.map((f: Json) => f.name)).toEqual(["trap-when-asked"]);
    expect((await body(await worker.admin("/routes/plain/filters/enabled"))).filters.map((f: Json) => f.from)).toEqual(["service"]);
    expect((await worker.admin("/routes/english/filters/some")).status).toBe(404);
  });

  it("GET /metrics counts proxied responses by status class in Prometheus text", async () => {
    const worker = adminWorker(CONFIG);
    await worker.fetch("/en");
    await worker.fetch("/plain");
    await worker.fetch("/nowhere");
    const response = await worker.admin("/metrics");
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain("# TYPE pw_http_requests_total counter");
    expect(text).toContain('pw_http_requests_total{status_class="2xx"} 2');
    expect(text).toContain('pw_http_requests_total{status_class="4xx"} 1');
    expect(text).toContain("pw_config_reloads_total 0");
  });

  it("GET /metrics renders filter metrics as pw_<filter>_<metric>, histograms with cumulative buckets", async () => {
    const registry = isolateMetricsRegistry();
    const counter = registry.define("rate-limit", MetricType.Counter, "denied").id;
    registry.increment(counter, 3n);
    const histogram = registry.define("rate-limit", MetricType.Histogram, "latency").id;
    for (const value of [1n, 3n, 3n, 100n]) registry.record(histogram, value);
    const text = await (await adminWorker(CONFIG).admin("/metrics")).text();
    expect(text).toContain("# TYPE pw_rate_limit_denied counter\npw_rate_limit_denied 3\n");
    expect(text).toContain('pw_rate_limit_latency_bucket{le="1"} 1\npw_rate_limit_latency_bucket{le="4"} 3\npw_rate_limit_latency_bucket{le="128"} 4\n');
    expect(text).toContain('pw_rate_limit_latency_bucket{le="+Inf"} 4\npw_rate_limit_latency_sum 107\npw_rate_limit_latency_count 4\n');
  });
});
