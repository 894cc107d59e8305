import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../config/errors.ts";
import { load } from "../config/helpers.ts";
import { mutateConfig } from "../../fuzz/config-mutations.ts";
import { SeededRandom, fuzzIterations, fuzzSeed } from "../../fuzz/seeded-random.ts";

/** A config that uses most of the schema: nested and top-level entities, chains, filter plugins. */
const RICH = `
_format_version: "3.0"
services:
  - name: api
    url: http://api.internal:8080/v1
    retries: 2
    connect_timeout: 1000
    routes:
      - name: users
        paths: ["/users", "~/items/(?<id>\\\\d+)$"]
        methods: [GET, POST]
        hosts: ["*.example.com"]
        headers: { x-version: ["1", "~*^v2"] }
        strip_path: false
        path_handling: v1
        filter_chains:
          - name: users-chain
            filters:
              - name: greeting
                config: hello
              - name: rate_limit
                config: { limit: 3 }
                shared_state: global
                failure_policy: fail_open
        plugins:
          - name: add_header
            config: x-added
  - name: other
    host: other.internal
    port: 9000
    protocol: https
routes:
  - name: top
    service: other
    paths: ["/top"]
    protocols: [https]
    https_redirect_status_code: 301
filter_chains:
  - service: other
    filters:
      - name: as_filter
        env: { MODE: fuzz }
        callout_hosts: ["auth.internal:8443"]
        log_level: debug
        fuel_budget: 1000
plugins:
  - name: greeting
    route: top
    config: by-plugin
`;

describe("kong.yml mutations (seeded fuzzing)", () => {
  const seed = fuzzSeed(20261207);
  const iterations = fuzzIterations(400);

  it(`either load or fail with located issues, never throw anything else or hang (seed ${seed}, ${iterations} mutants)`, () => {
    const random = new SeededRandom(seed);
    const documents = [parse(RICH), parse(RICH.replace(/\n +shared_state: global/, ""))];
    let rejected = 0;
    for (let i = 0; i < iterations; i++) {
      const { text, fileName } = mutateConfig(random.pick(documents), random);
      const started = performance.now();
      try {
        load(text, { fileName });
      } catch (error) {
        const context = `mutant ${i} of seed ${seed} (replay with FUZZ_SEED=${seed}):\n${text.slice(0, 2000)}`;
        expect(error, context).toBeInstanceOf(ConfigError);
        for (const issue of (error as ConfigError).issues) {
          expect(issue.message.length, context).toBeGreaterThan(0);
          expect(typeof issue.path, context).toBe("string");
          if (issue.line !== null) expect(issue.line, context).toBeGreaterThan(0);
        }
        rejected++;
      }
      expect(performance.now() - started, `mutant ${i} of seed ${seed} took too long`).toBeLessThan(2000);
    }
    // A fuzzer whose every mutant loads, or none, is testing nothing.
    expect(rejected).toBeGreaterThan(iterations / 10);
    expect(rejected).toBeLessThan(iterations);
  });
});

describe("what the config fuzzer found", () => {
  it("an alias without its anchor is a YAML syntax error, not an exception", () => {
    expect(() => load('_format_version: "3.0"\nservices: *missing\n')).toThrow(ConfigError);
    expect(() => load('_format_version: "3.0"\nservices: *missing\n')).toThrow(/YAML syntax error: .*missing/);
  });
});
