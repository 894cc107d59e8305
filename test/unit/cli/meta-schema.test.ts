import { copyFile, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scanFiltersFolder } from "../../../cli/filters-folder.ts";
import { schemaProblem } from "../../../cli/schema-shape.ts";
import { REPO_ROOT } from "../../e2e/support/cli-process.ts";

describe("a filter's config_schema", () => {
  it("is checked itself, so its mistakes are the .meta.json's, with the path inside the schema", () => {
    expect(schemaProblem({ type: "object", properties: { my_greeting: { type: "string" } }, required: ["my_greeting"] })).toBeUndefined();
    expect(schemaProblem({ type: "nonsense" })).toMatch(/^config_schema\.type: "nonsense" is not a JSON Schema type/);
    expect(schemaProblem({ type: "object", properties: { n: { type: "strng" } } })).toMatch(/^config_schema\.properties\.n\.type: "strng"/);
    expect(schemaProblem({ required: "name" })).toBe("config_schema.required: expected an array of property names");
    expect(schemaProblem({ anyOf: [{ type: "string" }, { items: { type: 7 } }] })).toMatch(/^config_schema\.anyOf\[1\]\.items\.type: 7/);
  });

  it("fails the filters folder with the .meta.json's path, not the config that uses the filter", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pww-meta-"));
    const filters = join(dir, "filters");
    await mkdir(filters);
    await copyFile(join(REPO_ROOT, "build/filters/greeting.wasm"), join(filters, "greeting.wasm"));
    await writeFile(join(filters, "greeting.meta.json"), JSON.stringify({ config_schema: { type: "nonsense" } }));
    await expect(scanFiltersFolder(filters)).rejects.toThrow(/greeting\.meta\.json.*config_schema\.type: "nonsense" is not a JSON Schema type/s);
  });
});
