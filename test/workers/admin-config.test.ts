import { beforeEach, describe, expect, it } from "vitest";
import { CONFIG_KEY, type StoredConfig } from "../../worker/admin/config-store.ts";
import { adminWorker, configKv, withUpstream } from "./support/admin-worker.ts";

const CONFIG = `
_format_version: "3.0"
services:
  - name: demo
    url: $UPSTREAM
    routes:
      - name: english
        paths: ["/en"]
        filter_chains:
          - filters: [{ name: greeting, config: { my_greeting: "Hello" } }]
`;

const NEW_CONFIG = `
_format_version: "3.0"
services:
  - name: demo
    url: $UPSTREAM
    routes:
      - name: english
        paths: ["/en"]
        filter_chains:
          - filters: [{ name: greeting, config: { my_greeting: "Howdy" } }]
      - name: french
        paths: ["/fr"]
        filter_chains:
          - filters: [{ name: greeting, config: { my_greeting: "Bonjour" } }]
`;

type Json = Record<string, any>;
const body = async (response: Response) => (await response.json()) as Json;
const post = (text: string, type = "application/yaml") => ({ method: "POST", body: text, headers: { "content-type": type } });

async function stored(): Promise<StoredConfig | null> {
  return configKv().get<StoredConfig>(CONFIG_KEY, "json");
}

beforeEach(async () => {
  await configKv().delete(CONFIG_KEY);
});

describe("POST /config", () => {
  it("replaces the running config: the next request gets the new greeting and the new route", async () => {
    const worker = adminWorker(CONFIG);
    expect((await worker.fetch("/fr")).status).toBe(404);
    const response = await worker.admin("/config", post(withUpstream(NEW_CONFIG)));
    expect(response.status).toBe(201);
    const summary = await body(response);
    expect(summary).toMatchObject({ services: 1, routes: 2, filter_chains: 2, filters: ["greeting"] });
    expect(summary.version).toMatch(/^[0-9a-z]+-[0-9a-f]{8}$/);

    expect((await worker.fetch("/en")).headers.get("x-greeting")).toBe("Howdy");
    expect((await worker.fetch("/fr")).headers.get("x-greeting")).toBe("Bonjour");
    expect((await body(await worker.admin("/routes"))).data.map((r: Json) => r.name)).toEqual(["english", "french"]);
    const status = await body(await worker.admin("/status"));
    expect(status.config).toMatchObject({ version: summary.version, origin: "store", routes: 2 });
    expect(await (await worker.admin("/metrics")).text()).toContain("pw_config_reloads_total 1");
  });

  it("stores the normalised config and the source text in KV under config/current", async () => {
    const worker = adminWorker(CONFIG);
    const text = withUpstream(NEW_CONFIG);
    const { version } = await body(await worker.admin("/config", post(text)));
    const record = await stored();
    expect(record).toMatchObject({ version, source: text });
    expect(record!.config.routes.map((r) => r.name)).toEqual(["english", "french"]);
    expect(await body(await worker.admin("/config"))).toMatchObject({ version, origin: "store", source: text });
  });

  it("reaches every isolate: another worker on the same store switches on its next request", async () => {
    const first = adminWorker(CONFIG);
    const second = adminWorker(CONFIG);
    expect((await second.fetch("/en")).headers.get("x-greeting")).toBe("Hello");
    expect((await first.admin("/config", post(withUpstream(NEW_CONFIG)))).status).toBe(201);
    expect((await second.fetch("/en")).headers.get("x-greeting")).toBe("Howdy");
    expect((await second.fetch("/fr")).status).toBe(200);
    // A new isolate starts with the stored config, not the bundle's.
    expect((await adminWorker(CONFIG).fetch("/fr")).headers.get("x-greeting")).toBe("Bonjour");
  });

  it("waits for the poll interval before looking at the store again", async () => {
    const first = adminWorker(CONFIG);
    const slow = adminWorker(CONFIG, { CONFIG_POLL_SECONDS: "3600" });
    await slow.fetch("/en");
    await first.admin("/config", post(withUpstream(NEW_CONFIG)));
    expect((await slow.fetch("/en")).headers.get("x-greeting")).toBe("Hello");
  });

  it("accepts Kong's JSON body with the text in `config`, and a JSON declarative config", async () => {
    const worker = adminWorker(CONFIG);
    const wrapped = await worker.admin("/config", post(JSON.stringify({ config: withUpstream(NEW_CONFIG) }), "application/json"));
    expect(wrapped.status).toBe(201);
    const json = JSON.stringify({
      _format_version: "3.0",
      services: [{ name: "demo", url: withUpstream("$UPSTREAM"), routes: [{ name: "json", paths: ["/json"], filter_chains: [{ filters: [{ name: "greeting", config: { my_greeting: "JSON" } }] }] }] }],
    });
    expect((await worker.admin("/config", post(json, "application/json"))).status).toBe(201);
    expect((await worker.fetch("/json")).headers.get("x-greeting")).toBe("JSON");
    expect((await worker.fetch("/en")).status).toBe(404);
  });

  it("accepts a form upload of the file (curl -F config=@kong.yml)", async () => {
    const form = new FormData();
    form.set("config", new File([withUpstream(NEW_CONFIG)], "kong.yml"));
    const worker = adminWorker(CONFIG);
    expect((await worker.admin("/config", { method: "POST", body: form })).status).toBe(201);
    expect((await worker.fetch("/fr")).status).toBe(200);
  });
});

describe("a rejected POST /config", () => {
  async function expectNothingChanged(worker: ReturnType<typeof adminWorker>): Promise<void> {
    expect(await stored()).toBeNull();
    expect((await worker.fetch("/en")).headers.get("x-greeting")).toBe("Hello");
    expect((await body(await worker.admin("/status"))).config.version).toBe("bundle");
  }

  it("refuses entries of one filter that disagree on shared_state, as the build does", async () => {
    const worker = adminWorker(CONFIG);
    const text = withUpstream(NEW_CONFIG.replace('name: greeting, config: { my_greeting: "Bonjour" }', 'name: greeting, shared_state: global, config: { my_greeting: "Bonjour" }'));
    const response = await worker.admin("/config", post(text));
    expect(response.status).toBe(400);
    const error = await body(response);
    expect(error.fields.services[0].routes[1].filter_chains[0].filters[0].shared_state).toMatch(
      /shared_state "global" disagrees with "isolate" at services\[0\]\.routes\[0\]\.filter_chains\[0\]\.filters\[0\]/,
    );
    await expectNothingChanged(worker);
  });

  it("refuses a filter the bundle lacks with Kong's code 14 body", async () => {
    const worker = adminWorker(CONFIG);
    const text = withUpstream(NEW_CONFIG.replace('name: greeting, config: { my_greeting: "Bonjour" }', "name: rate_limit"));
    const response = await worker.admin("/config", post(text));
    expect(response.status).toBe(400);
    const error = await body(response);
    expect(error).toMatchObject({ code: 14, name: "invalid declarative configuration" });
    const message = 'no such filter "rate_limit" (filters folder of this deployment, which bundles: ';
    expect(error.fields.services[0].routes[1].filter_chains[0].filters[0].name).toMatch(message);
    expect(error.message).toMatch(/^declarative config is invalid: \{services=\{\{routes=\{\[2\]=\{filter_chains=\{\{filters=\{\{name="no such filter/);
    expect(error.flattened_errors).toEqual([
      {
        entity_type: "filter_chain",
        entity: { filters: [{ name: "rate_limit" }] },
        errors: [
          {
            type: "field",
            field: "filters.1.name",
            message: expect.stringContaining('no such filter "rate_limit"'),
            path: "services[0].routes[1].filter_chains[0].filters[0].name",
            line: 14,
          },
        ],
      },
    ]);
    await expectNothingChanged(worker);
  });

  it("refuses a filter config that breaks the filter's schema, naming the property", async () => {
    const worker = adminWorker(CONFIG);
    const text = withUpstream(NEW_CONFIG.replace('{ my_greeting: "Bonjour" }', '{ greeting: "Bonjour" }'));
    const error = await body(await worker.admin("/config", post(text)));
    expect(error.fields.services[0].routes[1].filter_chains[0].filters[0].config).toBe(
      'property "my_greeting" is required; property "greeting" is not allowed (unknown field)',
    );
    expect(error.flattened_errors[0].errors.map((e: Json) => [e.field, e.message, e.line])).toEqual([
      ["filters.1.config", 'property "my_greeting" is required', 14],
      ["filters.1.config", 'property "greeting" is not allowed (unknown field)', 14],
    ]);
    await expectNothingChanged(worker);
  });

  it("refuses YAML it cannot parse", async () => {
    const worker = adminWorker(CONFIG);
    const response = await worker.admin("/config", post('_format_version: "3.0"\nservices:\n  - name: [unclosed\n'));
    expect(response.status).toBe(400);
    const error = await body(response);
    expect(error.code).toBe(14);
    expect(error.fields.error).toMatch(/^failed parsing declarative configuration: YAML syntax error/);
    expect(error.flattened_errors).toEqual([]);
    await expectNothingChanged(worker);
  });

  it("refuses an entity-level mistake with its entity's name", async () => {
    const worker = adminWorker(CONFIG);
    const error = await body(await worker.admin("/config", post('_format_version: "3.0"\nservices:\n  - name: broken\n')));
    expect(error.flattened_errors[0]).toMatchObject({ entity_type: "service", entity_name: "broken", entity: { name: "broken" } });
    await expectNothingChanged(worker);
  });

  it("answers Kong's message for an empty body", async () => {
    const worker = adminWorker(CONFIG);
    const response = await worker.admin("/config", post(""));
    expect(response.status).toBe(400);
    expect(await body(response)).toEqual({ message: "expected a declarative configuration" });
    await expectNothingChanged(worker);
  });

  it("needs a config store", async () => {
    const worker = adminWorker(CONFIG, { CONFIG_KV: undefined });
    expect((await worker.admin("/config", post(withUpstream(NEW_CONFIG)))).status).toBe(501);
    expect((await worker.fetch("/fr")).status).toBe(404);
  });
});

describe("a stored config", () => {
  it("posted for another deployment is ignored: the deployed config wins", async () => {
    const worker = adminWorker(CONFIG);
    await worker.admin("/config", post(withUpstream(NEW_CONFIG)));
    // A redeploy with another config: its bundle fingerprint differs from the stored record's.
    const redeployed = adminWorker(CONFIG.replace('"Hello"', '"Hi"'));
    expect((await redeployed.fetch("/en")).headers.get("x-greeting")).toBe("Hi");
    expect((await redeployed.fetch("/fr")).status).toBe(404);
    expect(redeployed.logs.join("\n")).toMatch(/ignoring stored config .*another deployment/);
  });
});
