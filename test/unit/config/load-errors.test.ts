import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../config/errors.ts";
import { expectIssues, issuesOf, load, messageOf, yaml } from "./helpers.ts";

const HEADER = '_format_version: "3.0"';


describe("loadDeclarativeConfig errors", () => {
  it("a filter name missing from the filters folder fails with its path and line", () => {
    const text = yaml(
      HEADER,
      "services:",
      "  - name: my-service",
      "    url: http://127.0.0.1:9001",
      "    routes:",
      "      - name: my-route",
      '        paths: ["/"]',
      "        filter_chains:",
      "          - filters:",
      "              - name: greeting",
      "              - name: my-go-filter",
    );
    expect(messageOf(text)).toBe(
      'kong.yml:11 services[0].routes[0].filter_chains[0].filters[1].name: no such filter "my-go-filter" (filters folder ./filters)',
    );
  });

  it("collects every error of a document before throwing", () => {
    const text = yaml(
      HEADER,
      "services:",
      "  - name: s",
      "    url: http://a.internal",
      "    retries: many",
      "    port_typo: 1",
      "routes:",
      "  - paths: [nope]",
    );
    let error: unknown;
    try {
      load(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message.split("\n")).toEqual([
      "kong.yml:5 services[0].retries: expected an integer",
      "kong.yml:6 services[0].port_typo: unknown field",
      "kong.yml:8 routes[0].paths[0]: should start with: / (fixed path) or ~/ (regex path)",
    ]);
  });

  it("calls a syntax error in a .json config a JSON syntax error, with its line", () => {
    const issues = issuesOf('{\n  "_format_version": "3.0",\n  "services": [\n}\n', { fileName: "kong.json" });
    expect(issues[0].message).toMatch(/^JSON syntax error: /);
    expect(issues[0].line).toBeGreaterThan(1);
  });

  it("reports a YAML syntax error with its line", () => {
    const issues = issuesOf(yaml(HEADER, "services:", "  - name: [unclosed", "    url: http://a"));
    expect(issues[0].line).toBe(4);
    expect(issues[0].message).toMatch(/^YAML syntax error: /);
  });

  it("reports a duplicate key as a syntax error on the second key's line", () => {
    const issues = issuesOf(yaml(HEADER, "services:", "  - name: a", "    name: b", "    host: x"));
    expect(issues.map((i) => i.line)).toEqual([4]);
  });

  it("reports lines in JSON input too", () => {
    const text = '{\n  "_format_version": "3.0",\n  "routes": [\n    { "paths": ["/"], "strip_paths": true }\n  ]\n}\n';
    expect(messageOf(text, { fileName: "kong.json" })).toBe("kong.json:4 routes[0].strip_paths: unknown field");
  });

  describe("document", () => {
    it("rejects an empty document", () => {
      expectIssues("", [[null, "", "the document is empty: expected a record with '_format_version'"]]);
    });

    it("requires _format_version", () => {
      expectIssues(yaml("services: []"), [[1, "_format_version", "required field missing"]]);
    });

    it("explains that an unquoted format version is a number", () => {
      expectIssues(yaml("_format_version: 3.0"), [
        [1, "_format_version", 'expected a string (write it quoted, e.g. _format_version: "3.0")'],
      ]);
    });

    it("rejects a format version Kong 3 does not read", () => {
      expectIssues(yaml('_format_version: "0.1"'), [
        [1, "_format_version", 'unsupported _format_version "0.1": expected one of: 1.1, 2.1, 3.0'],
      ]);
    });

    it("rejects unknown top-level keys (unsupported Kong entities are warnings, see kong-exports.test.ts)", () => {
      expectIssues(yaml(HEADER, "servicez: []", "consumers: []"), [[2, "servicez", "unknown field"]]);
    });

    it("rejects a list that is not a list", () => {
      expectIssues(yaml(HEADER, "services:", "  name: s"), [[3, "services", "expected an array"]]);
    });
  });

  describe("services", () => {
    it("reports wrong types with Kong's wording", () => {
      expectIssues(
        yaml(
          HEADER,
          "services:",
          "  - name: 12",
          "    host: a.internal",
          "    port: 70000",
          "    enabled: sometimes",
          "    read_timeout: 1.5",
          "    protocol: grpc",
        ),
        [
          [3, "services[0].name", "expected a string"],
          [5, "services[0].port", "value must be between 0 and 65535"],
          [6, "services[0].enabled", "expected a boolean"],
          [7, "services[0].read_timeout", "expected an integer"],
          [8, "services[0].protocol", "expected one of: http, https"],
        ],
      );
    });

    it("requires a host when there is no url", () => {
      expectIssues(yaml(HEADER, "services:", "  - name: s", "    port: 8080"), [
        [3, "services[0].host", "required field missing"],
      ]);
    });

    it("rejects a url with an unsupported scheme, a query, or no host", () => {
      expectIssues(
        yaml(
          HEADER,
          "services:",
          "  - url: grpc://a.internal",
          "  - url: http://a.internal/p?x=1",
          "  - url: not a url",
        ),
        [
          [3, "services[0].url", "unsupported protocol 'grpc': expected one of: http, https"],
          [4, "services[1].url", "url must not contain a query string or fragment"],
          [5, "services[2].url", "invalid url: not a url"],
        ],
      );
    });

    it("rejects url together with the fields it sets", () => {
      expectIssues(yaml(HEADER, "services:", "  - url: http://a.internal", "    host: b.internal"), [
        [4, "services[0].host", "only one or none of these fields must be set: 'url', 'host'"],
      ]);
    });

    it("rejects bad hosts, paths and names", () => {
      expectIssues(
        yaml(
          HEADER,
          "services:",
          "  - name: my service",
          "    host: bad_host!",
          "    path: api",
        ),
        [
          [3, "services[0].name", "invalid value 'my service': the only accepted ascii characters are alphanumerics or ., -, _, and ~"],
          [4, "services[0].host", "invalid hostname: bad_host!"],
          [5, "services[0].path", "should start with: /"],
        ],
      );
    });

    it("rejects an id that is not a UUID", () => {
      expectIssues(yaml(HEADER, "services:", "  - id: 42abc", "    host: a"), [
        [3, "services[0].id", "expected a valid UUID"],
      ]);
    });

    it("rejects two services with the same name", () => {
      expectIssues(yaml(HEADER, "services:", "  - { name: s, host: a }", "  - { name: s, host: b }"), [
        [4, "services[1].name", "uniqueness violation: 'services' entity with name set to 's' already declared"],
      ]);
    });

    it("rejects two services with the same given id", () => {
      const id = "0b3a9b5e-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
      expectIssues(yaml(HEADER, "services:", `  - { id: ${id}, host: a }`, `  - { id: ${id}, host: b }`), [
        [4, "services[1].id", `uniqueness violation: 'services' entity with id set to '${id}' already declared`],
      ]);
    });

    it("names Kong service fields this gateway does not support", () => {
      expectIssues(yaml(HEADER, "services:", "  - host: a", "    tls_verify: true"), [
        [4, "services[0].tls_verify", "not supported by this gateway"],
      ]);
    });
  });

  describe("routes", () => {
    it("requires at least one of methods, hosts, headers, paths", () => {
      expectIssues(yaml(HEADER, "routes:", "  - name: r", "    strip_path: false"), [
        [3, "routes[0]", "must set one of 'methods', 'hosts', 'headers', 'paths' when 'protocols' is 'http'"],
      ]);
    });

    it("counts empty lists as not set", () => {
      expectIssues(yaml(HEADER, "routes:", "  - paths: []", "    methods: []"), [
        [2 + 1, "routes[0]", "must set one of 'methods', 'hosts', 'headers', 'paths' when 'protocols' is 'http'"],
      ]);
    });

    it("rejects a regex path that does not compile, naming the regex", () => {
      const issues = issuesOf(yaml(HEADER, "routes:", "  - paths:", "      - /ok", "      - ~/(unclosed"));
      expect(issues.map((i) => [i.line, i.path])).toEqual([[5, "routes[0].paths[1]"]]);
      expect(issues[0].message).toMatch(/^invalid regex: '\/\(unclosed' \(/);
    });

    it("rejects bad hosts and wildcards", () => {
      expectIssues(
        yaml(
          HEADER,
          "routes:",
          "  - hosts:",
          "      - a..b",
          "      - '*.*.example.com'",
          "      - 'foo.*.com'",
          "      - 'example.com:99999'",
          "      - '*.example.com:8080'",
        ),
        [
          [4, "routes[0].hosts[0]", "invalid hostname: a..b"],
          [5, "routes[0].hosts[1]", "invalid wildcard: must have at most one wildcard"],
          [6, "routes[0].hosts[2]", "invalid wildcard: must be placed at leftmost or rightmost label"],
          [7, "routes[0].hosts[3]", "invalid port number"],
        ],
      );
    });

    it("rejects methods that are not tokens of letters", () => {
      expectIssues(yaml(HEADER, "routes:", "  - methods: [GET, 'PO ST', 3]"), [
        [3, "routes[0].methods[1]", "invalid value: PO ST"],
        [3, "routes[0].methods[2]", "expected a string"],
      ]);
    });

    it("rejects a Host header match and values that are not lists", () => {
      expectIssues(
        yaml(HEADER, "routes:", "  - headers:", "      Host: [a.example.com]", "      x-version: v1", "      x-empty: []"),
        [
          [4, 'routes[0].headers.Host', "cannot contain 'host' header, which must be specified in the 'hosts' attribute"],
          [5, "routes[0].headers[\"x-version\"]", "expected an array"],
          [6, "routes[0].headers[\"x-empty\"]", "length must be at least 1"],
        ],
      );
    });

    it("rejects unknown protocols and path_handling values", () => {
      expectIssues(yaml(HEADER, "routes:", "  - paths: [/]", "    protocols: [grpc]", "    path_handling: v2"), [
        [4, "routes[0].protocols[0]", "expected one of: http, https"],
        [5, "routes[0].path_handling", "expected one of: v0, v1"],
      ]);
    });

    it("rejects a reference to a service that does not exist", () => {
      expectIssues(yaml(HEADER, "routes:", "  - paths: [/]", "    service: nowhere"), [
        [4, "routes[0].service", "invalid reference 'service: nowhere' (no such entry in 'services')"],
      ]);
    });

    it("rejects a service field on a nested route", () => {
      expectIssues(yaml(HEADER, "services:", "  - name: s", "    host: a", "    routes:", "      - { paths: [/], service: s }"), [
        [6, "services[0].routes[0].service", "not allowed here: a nested route belongs to its service"],
      ]);
    });

    it("rejects two routes with the same name, nested or top-level", () => {
      expectIssues(
        yaml(HEADER, "services:", "  - name: s", "    host: a", "    routes:", "      - { name: r, paths: [/a] }", "routes:", "  - { name: r, paths: [/b] }"),
        [[8, "routes[0].name", "uniqueness violation: 'routes' entity with name set to 'r' already declared"]],
      );
    });

    it("says sources and destinations do not apply to http routes", () => {
      expectIssues(yaml(HEADER, "routes:", "  - paths: [/]", "    sources: [{ ip: 10.0.0.1 }]"), [
        [4, "routes[0].sources", "cannot set 'sources' when 'protocols' is 'http' or 'https'"],
      ]);
    });
  });
});
