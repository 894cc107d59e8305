import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "../../e2e/support/cli-process.ts";

/** Every `name` of a filter entry anywhere in a parsed kong.yml. */
function filterNames(node: unknown, names = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) filterNames(item, names);
  else if (node !== null && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "filters" && Array.isArray(value)) for (const entry of value) names.add((entry as { name: string }).name);
      else filterNames(value, names);
    }
  }
  return names;
}

describe("the quick start", () => {
  const example = [...filterNames(parse(readFileSync(join(REPO_ROOT, "examples/kong.yml"), "utf8")))].sort();

  it("has npm install build exactly the example's filters, so npm start only starts", () => {
    const scripts = (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    const prepare = /^tsx filters\/build\.ts --only (\S+) --optional$/.exec(scripts.prepare);
    expect(prepare, scripts.prepare).not.toBeNull();
    expect(prepare![1].split(",").sort()).toEqual(example);
  });

  it("builds the same filters itself when the install did not (npm install --ignore-scripts)", () => {
    const quickstart = readFileSync(join(REPO_ROOT, "examples/quickstart.ts"), "utf8");
    const only = /"--only", "([^"]+)"/.exec(quickstart);
    expect(only![1].split(",").sort()).toEqual(example);
  });
});
