import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { declaredMemoryBytes, memoryBudgetWarning } from "../../../cli/memory-budget.ts";
import { load, yaml } from "../config/helpers.ts";
import { REPO_ROOT } from "../../e2e/support/cli-process.ts";

describe("the build's memory budget check", () => {
  it("reads the linear memory a module declares", () => {
    // memory-hog.wat declares (memory 1); tick-counter.wat (memory 2).
    expect(declaredMemoryBytes(readFileSync(join(REPO_ROOT, "build/guests/memory-hog.wasm")))).toBe(65536);
    expect(declaredMemoryBytes(readFileSync(join(REPO_ROOT, "build/guests/tick-counter.wasm")))).toBe(2 * 65536);
  });

  it("warns with the numbers when the config's VMs do not fit, and is quiet when they do", () => {
    const config = load(
      yaml(
        '_format_version: "3.0"',
        "routes:",
        "  - paths: [/a]",
        "    filter_chains: [{ filters: [{ name: greeting }, { name: add_header }] }]",
        "  - paths: [/b]",
        "    filter_chains: [{ filters: [{ name: greeting }] }]",
      ),
    );
    const declared = new Map([
      ["greeting", 40 * 1024 * 1024],
      ["add_header", 1024 * 1024],
    ]);
    expect(memoryBudgetWarning(config, declared, 96 * 1024 * 1024)).toBeNull();
    expect(memoryBudgetWarning(config, declared, 64 * 1024 * 1024)).toMatch(
      /^the config starts 3 VMs whose declared linear memory alone is 81 MiB \(greeting ×2 at 40 MiB each, add_header ×1 at 1 MiB each\), over the isolate's VM memory budget of 64 MiB/,
    );
  });
});
