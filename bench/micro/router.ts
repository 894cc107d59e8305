/**
 * Route matching (config/router.ts) with 1,000 routes, as a Kong operator's big kong.yml has:
 * plain prefixes, regex paths, exact and wildcard hosts, methods and headers. Measures one match
 * for a route near the end of the list, one for a regex route, and a miss (404), next to a
 * request's total cost so the share is visible.
 * @module
 */
import { bench, do_not_optimize, run } from "mitata";
import { loadDeclarativeConfig } from "../../config/load.ts";
import { compileRouter } from "../../config/router.ts";
import { reportMitata } from "./report-line.ts";
import { isTty } from "./support.ts";

const ROUTES = 1000;

function kongYaml(): string {
  const routes: string[] = [];
  for (let i = 0; i < ROUTES; i++) {
    switch (i % 4) {
      case 0:
        routes.push(`      - { name: r${i}, paths: ["/api/v${i}/items"] }`);
        break;
      case 1:
        routes.push(`      - { name: r${i}, paths: ["~/users/(?<id>\\\\d+)/orders/${i}$"] }`);
        break;
      case 2:
        routes.push(`      - { name: r${i}, hosts: ["svc${i}.example.com", "*.svc${i}.example.net"], paths: ["/"] }`);
        break;
      default:
        routes.push(`      - { name: r${i}, methods: [POST], headers: { x-tenant: ["t${i}"] }, paths: ["/tenant"] }`);
    }
  }
  return `_format_version: "3.0"\nservices:\n  - name: app\n    url: http://127.0.0.1:9\n    routes:\n${routes.join("\n")}\n`;
}

const started = performance.now();
const config = loadDeclarativeConfig(kongYaml(), { fileName: "routes.yml", filters: new Map(), filtersDir: "none" });
const loaded = performance.now();
const router = compileRouter(config);
const compiled = performance.now();
console.log(`${ROUTES} routes: load ${(loaded - started).toFixed(1)} ms, compile ${(compiled - loaded).toFixed(1)} ms`);

const headers = (entries: Record<string, string> = {}) => ({ get: (name: string) => entries[name] ?? null });
const prefix = { method: "GET", host: "gateway.test", path: "/api/v996/items/42", headers: headers() };
const regex = { method: "GET", host: "gateway.test", path: "/users/77/orders/997", headers: headers() };
const wildcard = { method: "GET", host: "a.svc998.example.net", path: "/x", headers: headers() };
const header = { method: "POST", host: "gateway.test", path: "/tenant/x", headers: headers({ "x-tenant": "t999" }) };
const miss = { method: "GET", host: "gateway.test", path: "/nothing/here", headers: headers() };
for (const [name, request] of Object.entries({ prefix, regex, wildcard, header })) {
  if (router.match(request) === null) throw new Error(`the ${name} request matched no route`);
}
if (router.match(miss) !== null) throw new Error("the miss matched a route");

bench("match a prefix route (1,000 routes)", () => do_not_optimize(router.match(prefix)));
bench("match a regex route (1,000 routes)", () => do_not_optimize(router.match(regex)));
bench("match a wildcard host (1,000 routes)", () => do_not_optimize(router.match(wildcard)));
bench("match by method and header (1,000 routes)", () => do_not_optimize(router.match(header)));
bench("no route matches (1,000 routes)", () => do_not_optimize(router.match(miss)));

reportMitata(`router, ${ROUTES} routes`, await run({ colors: isTty }));
