import { describe, expect, it } from "vitest";
import { load, yaml } from "./helpers.ts";

// The example of Kong's 3.4 announcement, written out the way the blog post showed it.
const announcement = yaml(
  '_format_version: "3.0"',
  "services:",
  "  - name: my-wasm-service",
  "    url: http://127.0.0.1:9001",
  "    routes:",
  "      - name: my-wasm-route",
  '        paths: ["/"]',
  "        filter_chains:",
  "          - filters:",
  "              - name: greeting",
  "                config: '{\"my_greeting\": \"Hello from Kong using WebAssembly!\"}'",
);

describe("loadDeclarativeConfig", () => {
  it("loads the Kong 3.4 announcement example with Kong's defaults filled in", () => {
    const config = load(announcement);
    expect(config.formatVersion).toBe("3.0");
    expect(config.services).toHaveLength(1);
    expect(config.services[0]).toMatchObject({
      name: "my-wasm-service",
      protocol: "http",
      host: "127.0.0.1",
      port: 9001,
      path: null,
      retries: 5,
      connectTimeout: 60000,
      writeTimeout: 60000,
      readTimeout: 60000,
      enabled: true,
      filterChain: null,
    });
    expect(config.routes).toHaveLength(1);
    expect(config.routes[0]).toMatchObject({
      name: "my-wasm-route",
      service: 0,
      paths: ["/"],
      protocols: ["http", "https"],
      stripPath: true,
      preserveHost: false,
      pathHandling: "v0",
      regexPriority: 0,
      httpsRedirectStatusCode: 426,
      methods: [],
      hosts: [],
      headers: {},
    });
    expect(config.routes[0].filterChain).toMatchObject({ name: null, enabled: true });
    expect(config.routes[0].filterChain?.filters).toEqual([
      {
        name: "greeting",
        config: '{"my_greeting": "Hello from Kong using WebAssembly!"}',
        enabled: true,
        rootId: "",
        vmConfig: "",
        env: {},
        failurePolicy: "fail_closed",
        calloutHosts: [],
        logLevel: null,
        fuelBudget: null,
        sharedState: "isolate",
      },
    ]);
  });

  it("loads the announcement example with the chain on the service instead of the route", () => {
    const config = load(yaml(
      '_format_version: "3.0"',
      "services:",
      "  - name: my-wasm-service",
      "    url: http://127.0.0.1:9001",
      "    filter_chains:",
      "      - name: my-chain",
      "        filters:",
      "          - name: greeting",
      "            config: '{\"my_greeting\": \"Hello from Kong using WebAssembly!\"}'",
      "    routes:",
      '      - paths: ["/"]',
    ));
    expect(config.services[0].filterChain?.name).toBe("my-chain");
    expect(config.services[0].filterChain?.filters[0].name).toBe("greeting");
    expect(config.routes[0].filterChain).toBeNull();
  });

  it("accepts the same config written as JSON", () => {
    const config = load(JSON.stringify({
      _format_version: "3.0",
      services: [{ name: "s", url: "http://127.0.0.1:9001", routes: [{ paths: ["/"] }] }],
    }, null, 2), { fileName: "kong.json" });
    expect(config.services[0].port).toBe(9001);
    expect(config.routes[0].service).toBe(0);
  });

  it("accepts format versions 1.1 and 2.1 as well as 3.0", () => {
    for (const version of ["1.1", "2.1"]) {
      expect(load(yaml(`_format_version: "${version}"`)).formatVersion).toBe(version);
    }
  });

  it("takes an empty services list as a config without routes", () => {
    expect(load(yaml('_format_version: "3.0"', "services: []"))).toEqual({ formatVersion: "3.0", services: [], routes: [] });
  });

  describe("service url shorthand", () => {
    const serviceFor = (url: string) =>
      load(yaml('_format_version: "3.0"', "services:", "  - name: s", `    url: ${url}`)).services[0];

    it("takes protocol, host, port and path from the url", () => {
      expect(serviceFor("https://billing.internal:8443/api/v1")).toMatchObject({
        protocol: "https", host: "billing.internal", port: 8443, path: "/api/v1",
      });
    });

    it("defaults the port from the scheme", () => {
      expect(serviceFor("http://example.com").port).toBe(80);
      expect(serviceFor("https://example.com").port).toBe(443);
    });

    it("keeps a url without a path apart from a url ending in a slash", () => {
      expect(serviceFor("http://example.com").path).toBeNull();
      expect(serviceFor("http://example.com/").path).toBe("/");
    });

    it("reads protocol, host, port and path given as separate fields", () => {
      const config = load(yaml(
        '_format_version: "3.0"',
        "services:",
        "  - name: s",
        "    protocol: https",
        "    host: Example.COM",
        "    port: 8443",
        "    path: /base",
        "    retries: 2",
        "    connect_timeout: 1000",
        "    enabled: false",
      ));
      expect(config.services[0]).toMatchObject({
        protocol: "https", host: "example.com", port: 8443, path: "/base", retries: 2, connectTimeout: 1000, enabled: false,
      });
    });

    it("defaults a service given by host to http on port 80", () => {
      const config = load(yaml('_format_version: "3.0"', "services:", "  - host: example.com"));
      expect(config.services[0]).toMatchObject({ protocol: "http", port: 80, path: null, name: null });
    });
  });

  describe("routes", () => {
    it("flattens nested routes in service order, then top-level routes, with service indexes", () => {
      const config = load(yaml(
        '_format_version: "3.0"',
        "services:",
        "  - name: a",
        "    url: http://a.internal",
        "    routes:",
        "      - { name: a1, paths: [/a1] }",
        "      - { name: a2, paths: [/a2] }",
        "  - name: b",
        "    url: http://b.internal",
        "    routes:",
        "      - { name: b1, paths: [/b1] }",
        "routes:",
        "  - { name: top-by-name, paths: [/t1], service: b }",
        "  - { name: top-by-record, paths: [/t2], service: { name: a } }",
        "  - { name: top-without-service, paths: [/t3] }",
      ));
      expect(config.routes.map((r) => [r.name, r.service])).toEqual([
        ["a1", 0], ["a2", 0], ["b1", 1], ["top-by-name", 1], ["top-by-record", 0], ["top-without-service", null],
      ]);
    });

    it("resolves a top-level route's service by id", () => {
      const id = "0b3a9b5e-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
      const config = load(yaml(
        '_format_version: "3.0"',
        "services:",
        `  - { id: ${id}, host: a.internal }`,
        "routes:",
        `  - { paths: [/x], service: { id: ${id} } }`,
        `  - { paths: [/y], service: ${id} }`,
      ));
      expect(config.services[0].id).toBe(id);
      expect(config.routes.map((r) => r.service)).toEqual([0, 0]);
    });

    it("upper-cases methods and lower-cases hosts and header names", () => {
      const config = load(yaml(
        '_format_version: "3.0"',
        "routes:",
        "  - methods: [get, Post]",
        "    hosts: [API.Example.com, '*.Example.org:8080']",
        "    headers: { X-Version: [v1, '~*^v2'] }",
        "    protocols: [https]",
        "    strip_path: false",
        "    preserve_host: true",
        "    path_handling: v1",
        "    regex_priority: 7",
      ));
      expect(config.routes[0]).toMatchObject({
        methods: ["GET", "POST"],
        hosts: ["api.example.com", "*.example.org:8080"],
        headers: { "x-version": ["v1", "~*^v2"] },
        protocols: ["https"],
        stripPath: false,
        preserveHost: true,
        pathHandling: "v1",
        regexPriority: 7,
      });
    });

    it("accepts and drops Kong bookkeeping fields such as tags", () => {
      const config = load(yaml(
        '_format_version: "3.0"',
        "services:",
        "  - { name: s, host: a.internal, tags: [x] }",
        "routes:",
        "  - { paths: [/], tags: [y], https_redirect_status_code: 426, request_buffering: true }",
      ));
      expect(config.routes).toHaveLength(1);
    });
  });

  describe("filter chains", () => {
    it("attaches top-level chains to the service or route they reference", () => {
      const config = load(yaml(
        '_format_version: "3.0"',
        "services:",
        "  - name: s",
        "    url: http://a.internal",
        "    routes:",
        "      - { name: r, paths: [/] }",
        "filter_chains:",
        "  - name: on-service",
        "    service: s",
        "    filters: [{ name: add_header, config: x-env=prod }]",
        "  - name: on-route",
        "    route: { name: r }",
        "    enabled: false",
        "    filters: [{ name: greeting, enabled: false }]",
      ));
      expect(config.services[0].filterChain).toMatchObject({ name: "on-service", enabled: true });
      expect(config.services[0].filterChain?.filters[0]).toMatchObject({ name: "add_header", config: "x-env=prod" });
      expect(config.routes[0].filterChain).toMatchObject({ name: "on-route", enabled: false });
      expect(config.routes[0].filterChain?.filters[0]).toMatchObject({ name: "greeting", enabled: false, config: null });
    });

    it("keeps the declared order and allows the same filter twice in one chain", () => {
      const config = load(yaml(
        '_format_version: "3.0"',
        "routes:",
        "  - paths: [/]",
        "    filter_chains:",
        "      - filters:",
        "          - { name: add_header, config: a=1 }",
        "          - { name: greeting }",
        "          - { name: add_header, config: b=2 }",
      ));
      expect(config.routes[0].filterChain?.filters.map((f) => f.config)).toEqual(["a=1", null, "b=2"]);
    });

    it("serialises a JSON config to text when the filter declares a config_schema", () => {
      const config = load(yaml(
        '_format_version: "3.0"',
        "routes:",
        "  - paths: [/]",
        "    filter_chains:",
        "      - filters:",
        "          - name: rate_limit",
        "            config:",
        "              limit: 100",
        "              window: 60",
      ));
      expect(config.routes[0].filterChain?.filters[0].config).toBe('{"limit":100,"window":60}');
    });

    it("hands JSON configs to the validateFilterConfig hook with the filter's schema", () => {
      const seen: unknown[] = [];
      load(yaml(
        '_format_version: "3.0"',
        "routes:",
        "  - paths: [/]",
        "    filter_chains:",
        "      - filters: [{ name: rate_limit, config: { limit: 1 } }, { name: greeting, config: hi }]",
      ), {
        validateFilterConfig: (config, schema, filter) => {
          seen.push([config, schema, filter.name]);
          return [];
        },
      });
      expect(seen).toEqual([[{ limit: 1 }, { type: "object" }, "rate_limit"]]);
    });

    it("fills root_id, vm_config, env and failure_policy from the filter's meta, letting the entry override", () => {
      const config = load(yaml(
        '_format_version: "3.0"',
        "routes:",
        "  - paths: [/]",
        "    filter_chains:",
        "      - filters:",
        "          - name: as_filter",
        "          - name: as_filter",
        "            root_id: other_root",
        "            vm_config: vm-entry",
        "            env: { MODE: entry, EXTRA: yes }",
        "            failure_policy: fail_closed",
      ));
      const [defaults, overridden] = config.routes[0].filterChain?.filters ?? [];
      expect(defaults).toMatchObject({
        rootId: "as_root", vmConfig: "vm-defaults", env: { MODE: "meta", LEVEL: "1" }, failurePolicy: "fail_open",
      });
      expect(overridden).toMatchObject({
        rootId: "other_root", vmConfig: "vm-entry", env: { MODE: "entry", LEVEL: "1", EXTRA: "yes" }, failurePolicy: "fail_closed",
      });
    });
  });

  describe("ids", () => {
    it("derives the same UUID-shaped ids on every load", () => {
      const first = load(announcement);
      const second = load(announcement);
      const ids = [first.services[0].id, first.routes[0].id, first.routes[0].filterChain?.id];
      expect(ids).toEqual([second.services[0].id, second.routes[0].id, second.routes[0].filterChain?.id]);
      for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(new Set(ids).size).toBe(3);
    });

    it("gives unnamed entities distinct ids by position", () => {
      const config = load(yaml('_format_version: "3.0"', "routes:", "  - paths: [/a]", "  - paths: [/b]"));
      expect(config.routes[0].id).not.toBe(config.routes[1].id);
    });

    it("keeps an id given in the document, lower-cased", () => {
      const config = load(yaml(
        '_format_version: "3.0"',
        "services:",
        "  - id: 0B3A9B5E-1C2D-4E5F-8A9B-0C1D2E3F4A5B",
        "    host: a.internal",
      ));
      expect(config.services[0].id).toBe("0b3a9b5e-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
    });
  });
});
