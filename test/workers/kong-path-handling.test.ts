import { describe, expect, it } from "vitest";
import { KONG_DOCUMENTED, KONG_V0, KONG_V1, type PathRow } from "../fixtures/kong-path-handling.ts";
import { gatewayFor } from "./support/gateway.ts";

type Case = { row: PathRow; pathHandling: "v0" | "v1" };

/** One service and one route per row, told apart by host (`row<i>.test`). */
function configFor(cases: Case[]): string {
  const services = cases.map(({ row: [servicePath, routePath, stripPath], pathHandling }, i) => `
  - name: s${i}
    url: $UPSTREAM${servicePath}
    routes:
      - name: r${i}
        hosts: ["row${i}.test"]
        ${routePath === null ? "" : `paths: ["${routePath}"]`}
        strip_path: ${stripPath}
        path_handling: ${pathHandling}`);
  return `_format_version: "3.0"\nservices:${services.join("")}\n`;
}

const cases: Case[] = [
  ...KONG_V0.map((row) => ({ row, pathHandling: "v0" as const })),
  ...KONG_V1.map((row) => ({ row, pathHandling: "v1" as const })),
  ...KONG_DOCUMENTED.map(([routePath, stripPath, pathHandling, requestPath, expected]) => ({
    row: ["/s", routePath, stripPath, requestPath, expected] as PathRow,
    pathHandling,
  })),
];

describe("path_handling, end to end on Kong's tables", () => {
  const gateway = gatewayFor(configFor(cases));

  it.each(cases.map((c, i) => [i, c.pathHandling, ...c.row] as const))(
    "row %i (%s): service %s, route %s, strip_path %s: %s reaches the upstream as %s",
    async (i, _handling, _service, _route, _strip, requestPath, expected) => {
      const response = await gateway.fetch(requestPath, { host: `row${i}.test` });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { url: string }).url).toBe(expected);
    },
  );
});
