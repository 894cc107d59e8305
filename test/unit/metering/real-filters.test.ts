// Metering the modules the filter build produces (build/filters, build/guests): each one is
// rewritten, still compiles and instantiates, and shows the same imports and exports plus the
// fuel counter.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { FUEL_EXPORT, fuelOf } from "../../../abi/fuel.ts";
import { meterModule } from "../../../metering/meter-module.ts";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const dirs = [join(repoRoot, "build/filters"), join(repoRoot, "build/guests")];

// endless-* guests are built metered already (filters/build-wat.ts) and must stay that way.
const built = () =>
  dirs.flatMap((dir) =>
    existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".wasm") && !f.startsWith("endless-")).map((f) => join(dir, f)) : [],
  );

/** Imports that satisfy the linker: functions that are never called, fresh memories and tables. */
function dummyImports(module: WebAssembly.Module): WebAssembly.Imports {
  const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {};
  for (const { module: from, name, kind } of WebAssembly.Module.imports(module)) {
    imports[from] ??= {};
    if (kind === "function") imports[from][name] = () => 0;
    else if (kind === "memory") imports[from][name] = new WebAssembly.Memory({ initial: 1 });
    else if (kind === "table") imports[from][name] = new WebAssembly.Table({ initial: 0, element: "anyfunc" });
    else throw new Error(`no dummy for an imported ${kind} (${from}.${name})`);
  }
  return imports;
}

beforeAll(() => {
  if (existsSync(join(repoRoot, "build/filters/greeting.wasm"))) return;
  const build = spawnSync(process.execPath, ["--import", "tsx", join(repoRoot, "filters/build.ts")], { cwd: repoRoot, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`filters/build.ts failed:\n${build.stdout}${build.stderr}`);
}, 120_000);

describe("metering the built filters", () => {
  it("finds the greeting filter and the SDK guests", () => {
    const names = built().map((f) => f.split("/").pop());
    expect(names).toContain("greeting.wasm");
    expect(names).toContain("go-sdk-add-header.wasm");
  });

  it("rewrites each one into a module that validates, links and has the same interface", () => {
    for (const file of built()) {
      const original = readFileSync(file);
      const { bytes, stats } = meterModule(original);
      expect(WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>), file).toBe(true);

      const before = new WebAssembly.Module(original);
      const after = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
      expect(WebAssembly.Module.imports(after), file).toEqual(WebAssembly.Module.imports(before));
      expect(WebAssembly.Module.exports(after), file).toEqual([...WebAssembly.Module.exports(before), { name: FUEL_EXPORT, kind: "global" }]);
      expect(stats.customSectionsAfter, file).toEqual(stats.customSectionsBefore);
      expect(stats.functions, file).toBeGreaterThan(0);

      // Instantiating runs a start section if there is one, under the initial fuel.
      const instance = new WebAssembly.Instance(after, dummyImports(after));
      const meter = fuelOf(instance);
      expect(meter, file).not.toBeNull();
      meter!.set(12_345n);
      expect(meter!.left()).toBe(12_345n);
    }
  }, 60_000);
});
