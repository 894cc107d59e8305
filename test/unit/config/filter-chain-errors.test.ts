import { describe, expect, it } from "vitest";
import { expectIssues, issuesOf, yaml } from "./helpers.ts";

const HEADER = '_format_version: "3.0"';

describe("filter chain errors", () => {
  it("refuses an unknown log level", () => {
    expectIssues(
      yaml(HEADER, "routes:", "  - paths: [/a]", "    filter_chains:", "      - filters:", "          - name: greeting", "            log_level: loud"),
      [[7, "routes[0].filter_chains[0].filters[0].log_level", expect.stringContaining("expected one of")]],
    );
  });

  it("refuses a callout host that is not host or host:port", () => {
    expectIssues(
      yaml(HEADER, "routes:", "  - paths: [/a]", "    filter_chains:", "      - filters:", "          - name: greeting", '            callout_hosts: ["auth.example.com:8443", "http://evil/"]'),
      [[7, "routes[0].filter_chains[0].filters[0].callout_hosts[1]", 'invalid host "http://evil/": expected host or host:port']],
    );
  });

  it("requires filters, and at least one", () => {
    expectIssues(
      yaml(HEADER, "routes:", "  - paths: [/a]", "    filter_chains:", "      - name: empty", "        filters: []", "  - paths: [/b]", "    filter_chains:", "      - name: none"),
      [
        [6, "routes[0].filter_chains[0].filters", "length must be at least 1"],
        [9, "routes[1].filter_chains[0].filters", "required field missing"],
      ],
    );
  });

  it("rejects an object config for a filter without config_schema, in Kong's words", () => {
    expectIssues(
      yaml(
        HEADER,
        "routes:",
        "  - paths: [/]",
        "    filter_chains:",
        "      - filters:",
        "          - name: greeting",
        "            config:",
        "              my_greeting: hi",
        "          - name: greeting",
        "            config: [1, 2]",
        "          - name: greeting",
        "            config: 42",
        "          - name: greeting",
        "            config: true",
      ),
      [
        [8, "routes[0].filter_chains[0].filters[0].config", "wrong type: expected one of string, null, got object"],
        [10, "routes[0].filter_chains[0].filters[1].config", "wrong type: expected one of string, null, got array"],
        [12, "routes[0].filter_chains[0].filters[2].config", "wrong type: expected one of string, null, got number"],
        [14, "routes[0].filter_chains[0].filters[3].config", "wrong type: expected one of string, null, got boolean"],
      ],
    );
  });

  it("reports what the validateFilterConfig hook finds at the config's path", () => {
    const issues = issuesOf(
      yaml(HEADER, "routes:", "  - paths: [/]", "    filter_chains:", "      - filters:", "          - name: rate_limit", "            config: { limit: -1 }"),
      { validateFilterConfig: () => ["property limit must be >= 0"] },
    );
    expect(issues.map((i) => [i.line, i.path, i.message])).toEqual([
      [7, "routes[0].filter_chains[0].filters[0].config", "property limit must be >= 0"],
    ]);
  });

  it("requires a filter name and checks the extra plugin fields", () => {
    expectIssues(
      yaml(
        HEADER,
        "routes:",
        "  - paths: [/]",
        "    filter_chains:",
        "      - filters:",
        "          - config: x",
        "          - name: greeting",
        "            root_id: 5",
        "            env: { A: 1 }",
        "            failure_policy: ignore",
        "            priority: 3",
      ),
      [
        [6, "routes[0].filter_chains[0].filters[0].name", "required field missing"],
        [8, "routes[0].filter_chains[0].filters[1].root_id", "expected a string"],
        [9, "routes[0].filter_chains[0].filters[1].env.A", "expected a string"],
        [10, "routes[0].filter_chains[0].filters[1].failure_policy", "expected one of: fail_closed, fail_open"],
        [11, "routes[0].filter_chains[0].filters[1].priority", "unknown field"],
      ],
    );
  });

  it("a top-level chain naming both a service and a route fails with Kong's message", () => {
    expectIssues(
      yaml(HEADER, "services:", "  - { name: s, host: a, routes: [{ name: r, paths: [/] }] }", "filter_chains:", "  - service: s", "    route: r", "    filters: [{ name: greeting }]"),
      [[5, "filter_chains[0]", "only one or none of these fields must be set: 'service', 'route'"]],
    );
  });

  it("a top-level chain naming neither a service nor a route fails with Kong's message", () => {
    expectIssues(yaml(HEADER, "filter_chains:", "  - name: lonely", "    filters: [{ name: greeting }]"), [
      [3, "filter_chains[0]", "at least one of these fields must be non-empty: 'service', 'route'"],
    ]);
  });

  it("a top-level chain referencing a missing route fails with the reference", () => {
    expectIssues(yaml(HEADER, "filter_chains:", "  - route: ghost", "    filters: [{ name: greeting }]"), [
      [3, "filter_chains[0].route", "invalid reference 'route: ghost' (no such entry in 'routes')"],
    ]);
  });

  it("a second chain on the same service is a unique constraint violation", () => {
    expectIssues(
      yaml(
        HEADER,
        "services:",
        "  - name: s",
        "    host: a",
        "    filter_chains:",
        "      - filters: [{ name: greeting }]",
        "filter_chains:",
        "  - service: s",
        "    filters: [{ name: add_header }]",
      ),
      [[8, "filter_chains[0]", 'unique constraint violation: service "s" already has a filter chain']],
    );
  });

  it("two chains with the same name fail", () => {
    expectIssues(
      yaml(
        HEADER,
        "services:",
        "  - { name: a, host: a }",
        "  - { name: b, host: b }",
        "filter_chains:",
        "  - { name: c, service: a, filters: [{ name: greeting }] }",
        "  - { name: c, service: b, filters: [{ name: greeting }] }",
      ),
      [[7, "filter_chains[1].name", "uniqueness violation: 'filter_chains' entity with name set to 'c' already declared"]],
    );
  });

  it("rejects service or route on a nested chain", () => {
    expectIssues(
      yaml(HEADER, "routes:", "  - paths: [/]", "    filter_chains:", "      - route: x", "        filters: [{ name: greeting }]"),
      [[5, "routes[0].filter_chains[0].route", "not allowed here: a nested filter chain belongs to the entity it is nested in"]],
    );
  });

  it("reports an entry that is not a record and an invalid env name", () => {
    expectIssues(
      yaml(
        HEADER,
        "routes:",
        "  - paths: [/]",
        "    filter_chains:",
        "      - filters:",
        "          - greeting",
        "          - name: greeting",
        "            env:",
        "              'A=B': x",
      ),
      [
        [6, "routes[0].filter_chains[0].filters[0]", "expected a record"],
        [9, 'routes[0].filter_chains[0].filters[1].env["A=B"]', "invalid environment variable name"],
      ],
    );
  });

  it("points an empty config of a schema filter at the config key's line", () => {
    const issues = issuesOf(
      yaml(HEADER, "routes:", "  - paths: [/]", "    filter_chains:", "      - filters:", "          - name: rate_limit", "            config:"),
      { validateFilterConfig: (config) => (config === null ? ["config is required"] : []) },
    );
    expect(issues.map((i) => [i.line, i.path, i.message])).toEqual([
      [7, "routes[0].filter_chains[0].filters[0].config", "config is required"],
    ]);
  });
});
