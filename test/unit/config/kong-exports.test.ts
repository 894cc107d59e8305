import { describe, expect, it } from "vitest";
import type { ConfigIssue } from "../../../config/errors.ts";
import { planChain } from "../../../config/chain-plan.ts";
import { load } from "./helpers.ts";

function loadWithWarnings(text: string) {
  const warnings: ConfigIssue[] = [];
  const config = load(text, { onWarning: (warning) => warnings.push(warning) });
  return { config, warnings: warnings.map((w) => [w.line, w.path, w.message]) };
}

/** What `deck gateway dump` writes for a small setup: nested entities by name, defaults spelled out. */
const DECK_DUMP = `_format_version: "3.0"
_transform: true
_info:
  select_tags: [team-a]
  defaults: {}
_konnect:
  control_plane_name: default
services:
- connect_timeout: 60000
  enabled: true
  host: billing.internal
  name: billing
  path: /api
  port: 8080
  protocol: http
  read_timeout: 60000
  retries: 5
  tags: [team-a]
  write_timeout: 60000
  plugins:
  - name: rate-limiting
    config: { minute: 5, policy: local }
    enabled: true
    protocols: [grpc, grpcs, http, https]
  routes:
  - name: invoices
    paths: [/invoices]
    https_redirect_status_code: 426
    path_handling: v0
    preserve_host: false
    protocols: [http, https]
    regex_priority: 0
    request_buffering: true
    response_buffering: true
    strip_path: true
    tags: [team-a]
    plugins:
    - name: add_header
      config: x-env=prod
      enabled: true
      protocols: [http, https]
consumers:
- username: alice
  keyauth_credentials:
  - key: secret
upstreams:
- name: billing.internal
  targets:
  - target: 10.0.0.1:8080
certificates:
- cert: "-----BEGIN CERTIFICATE-----"
  key: "-----BEGIN PRIVATE KEY-----"
filter_chains:
- name: common
  service: billing
  filters:
  - name: greeting
plugins:
- name: key-auth
  config: { key_names: [apikey] }
`;

/** What \`kong config db_export\` writes: flat entities, references by id, unset fields as null. */
const DB_EXPORT = `_format_version: "3.0"
_transform: false
services:
- id: 5f1d6ad7-4e40-4a7d-9a3c-0d4f5d8c2a11
  name: billing
  host: billing.internal
  port: 8080
  protocol: http
  path: null
  retries: 5
  connect_timeout: 60000
  read_timeout: 60000
  write_timeout: 60000
  enabled: true
  tls_verify: null
  tls_verify_depth: null
  client_certificate: null
  ca_certificates: null
  tags: null
  created_at: 1700000000
  updated_at: 1700000000
routes:
- id: 0e7c3a51-7e7a-4bb8-8f3e-4a0b2b1b6f22
  name: invoices
  service: 5f1d6ad7-4e40-4a7d-9a3c-0d4f5d8c2a11
  paths: [/invoices]
  hosts: null
  methods: null
  headers: null
  snis: null
  sources: null
  destinations: null
  protocols: [http, https]
  strip_path: true
  preserve_host: false
  path_handling: v0
  regex_priority: 0
  https_redirect_status_code: 426
  request_buffering: true
  response_buffering: true
  tags: null
  created_at: 1700000000
  updated_at: 1700000000
filter_chains:
- id: 9b5c7f0e-1d2a-4c3b-8e4f-5a6b7c8d9e01
  name: null
  enabled: true
  route: 0e7c3a51-7e7a-4bb8-8f3e-4a0b2b1b6f22
  service: null
  filters:
  - name: greeting
    config: hello
    enabled: true
  created_at: 1700000000
  updated_at: 1700000000
plugins:
- id: 3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a99
  name: add_header
  instance_name: null
  route: { id: 0e7c3a51-7e7a-4bb8-8f3e-4a0b2b1b6f22 }
  service: null
  consumer: null
  config: x-env=prod
  enabled: true
  protocols: [http, https]
  tags: null
  created_at: 1700000000
  updated_at: 1700000001
- id: 7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d
  name: prometheus
  route: null
  service: null
  consumer: null
  config: { per_consumer: false }
  enabled: true
  protocols: [grpc, grpcs, http, https]
`;

describe("decK and kong config db_export files", () => {
  it("reads a decK dump as it is, and warns with path and line about what it cannot run", () => {
    const { config, warnings } = loadWithWarnings(DECK_DUMP);
    expect(config.services.map((s) => [s.name, s.host, s.path])).toEqual([["billing", "billing.internal", "/api"]]);
    expect(planChain(config, 0).map((p) => `${p.from}:${p.filter.name}`)).toEqual(["service:greeting", "route:add_header"]);
    expect(warnings).toEqual([
      [21, "services[0].plugins[0]", "plugin 'rate-limiting' is not a filter of the filters folder (./filters): Lua plugins are not supported, ignored"],
      [43, "consumers[0]", "entity type 'consumers' is not supported by this gateway, ignored"],
      [47, "upstreams[0]", "entity type 'upstreams' is not supported by this gateway, ignored"],
      [51, "certificates[0]", "entity type 'certificates' is not supported by this gateway, ignored"],
      [59, "plugins[0]", "plugin 'key-auth' is not a filter of the filters folder (./filters): Lua plugins are not supported, ignored"],
    ]);
  });

  it("reads a db_export file: references by id, unset fields as null, timestamps", () => {
    const { config, warnings } = loadWithWarnings(DB_EXPORT);
    expect(config.services[0].id).toBe("5f1d6ad7-4e40-4a7d-9a3c-0d4f5d8c2a11");
    expect(config.routes[0].service).toBe(0);
    expect(config.routes[0].filterChain?.filters.map((f) => f.config)).toEqual(["hello"]);
    expect(config.routes[0].filterPlugins).toEqual([
      { id: "3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a99", filter: expect.objectContaining({ name: "add_header", config: "x-env=prod" }) },
    ]);
    expect(warnings).toEqual([
      [69, "plugins[1]", "plugin 'prometheus' is not a filter of the filters folder (./filters): Lua plugins are not supported, ignored"],
    ]);
  });

  it("still fails on a TLS setting it would have to honour", () => {
    expect(() => load(DB_EXPORT.replace("tls_verify: null", "tls_verify: true"))).toThrow(/services\[0\]\.tls_verify: not supported by this gateway/);
  });
});
