// Checks every module the filter build produces: the project's filters
// (build/filters) and the SDK-shaped WAT guests (build/guests).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { abiImportNames, wasiPreview1Count } from "./abi-import-names.ts";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const filtersDir = join(repoRoot, "build/filters");
const guestsDir = join(repoRoot, "build/guests");

const ABI_MARKER = /^proxy_abi_version_\d+_\d+_\d+$/;

// Guests this suite knows; other .wasm files in build/guests (fixtures of
// other suites) still get the generic checks.
const sdkGuests = {
  "rust-sdk-add-header": { marker: "proxy_abi_version_0_2_1", init: ["_initialize", "main"], allocators: ["proxy_on_memory_allocate"] },
  "go-sdk-add-header": { marker: "proxy_abi_version_0_2_0", init: ["_initialize"], allocators: ["proxy_on_memory_allocate"] },
  "tinygo-sdk-add-header": { marker: "proxy_abi_version_0_2_0", init: ["_start"], allocators: ["malloc", "proxy_on_memory_allocate"] },
  "cpp-sdk-add-header": { marker: "proxy_abi_version_0_2_1", init: ["_initialize"], allocators: ["malloc"] },
  "v010-add-header": { marker: "proxy_abi_version_0_1_0", init: ["_start"], allocators: ["malloc"] },
} as const;

interface Built {
  name: string;
  file: string;
  module: WebAssembly.Module;
}

function wasmFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".wasm")).sort() : [];
}

function load(dir: string, file: string): Built {
  return { name: file.replace(/\.wasm$/, ""), file: join(dir, file), module: new WebAssembly.Module(readFileSync(join(dir, file))) };
}

const importNames = (module: WebAssembly.Module) =>
  WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`);
const exportNames = (module: WebAssembly.Module) => WebAssembly.Module.exports(module).map((e) => e.name);

let filters: Built[] = [];
let guests: Built[] = [];

beforeAll(() => {
  // Cheap when up to date; makes `vitest run test/unit/filters` work alone.
  const build = spawnSync(process.execPath, ["--import", "tsx", join(repoRoot, "filters/build.ts")], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  if (build.status !== 0) throw new Error(`filters/build.ts failed:\n${build.stdout}${build.stderr}`);
  filters = wasmFiles(filtersDir).map((f) => load(filtersDir, f));
  guests = wasmFiles(guestsDir).map((f) => load(guestsDir, f));
}, 120_000);

describe("built modules", () => {
  it("include the greeting filter and every SDK guest", () => {
    expect(filters.map((f) => f.name)).toContain("greeting");
    expect(guests.map((g) => g.name)).toEqual(expect.arrayContaining(Object.keys(sdkGuests)));
  });

  it("each export exactly one ABI marker (a function) and a memory", () => {
    for (const built of [...filters, ...guests]) {
      const exports = WebAssembly.Module.exports(built.module);
      const markers = exports.filter((e) => ABI_MARKER.test(e.name));
      expect(markers, built.name).toHaveLength(1);
      expect(markers[0].kind, built.name).toBe("function");
      expect(exports.find((e) => e.name === "memory")?.kind, built.name).toBe("memory");
    }
  });

  it("only import what the ABI contract lists, so a host registering all of it links them", () => {
    expect(wasiPreview1Count).toBe(46);
    for (const built of [...filters, ...guests]) {
      const unknown = importNames(built.module).filter((name) => !abiImportNames.has(name));
      expect(unknown, built.name).toEqual([]);
    }
  });

  it("export a callback to create contexts and an allocator", () => {
    for (const built of [...filters, ...guests]) {
      const exports = exportNames(built.module);
      expect(exports, built.name).toContain("proxy_on_context_create");
      expect(exports.some((e) => e === "proxy_on_memory_allocate" || e === "malloc"), built.name).toBe(true);
    }
  });
});

describe("greeting filter", () => {
  const greeting = () => filters.find((f) => f.name === "greeting")!;

  it("prints its imports and exports", () => {
    const { module } = greeting();
    const imports = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name} (${i.kind})`);
    const exports = WebAssembly.Module.exports(module).map((e) => `${e.name} (${e.kind})`);
    console.log(`greeting.wasm imports:\n  ${imports.join("\n  ")}\ngreeting.wasm exports:\n  ${exports.join("\n  ")}`);
    expect(imports.length).toBeGreaterThan(0);
  });

  it("is an AssemblyScript reactor: _initialize, malloc, ABI 0.2.1, no proc_exit or env.abort", () => {
    const exports = exportNames(greeting().module);
    const imports = importNames(greeting().module);
    expect(exports).toEqual(expect.arrayContaining(["_initialize", "malloc", "proxy_abi_version_0_2_1", "proxy_on_configure", "proxy_on_response_headers"]));
    expect(exports).not.toContain("_start");
    expect(exports).not.toContain("proxy_on_memory_allocate");
    expect(imports).toEqual(expect.arrayContaining(["env.proxy_log", "env.proxy_get_buffer_bytes", "env.proxy_add_header_map_value"]));
    // built with --use abort=abort_proc_exit, which logs and traps
    expect(imports).not.toContain("env.abort");
  });
});

describe("SDK guests", () => {
  for (const [name, expected] of Object.entries(sdkGuests)) {
    it(`${name} has its SDK's marker, entry points and allocators`, () => {
      const guest = guests.find((g) => g.name === name)!;
      const exports = exportNames(guest.module);
      expect(exports).toContain(expected.marker);
      expect(exports).toEqual(expect.arrayContaining([...expected.init, ...expected.allocators]));
      // the host calls _start only when _initialize is absent
      if (!(expected.init as readonly string[]).includes("_initialize")) expect(exports).not.toContain("_initialize");
      const allocators = exports.filter((e) => e === "malloc" || e === "proxy_on_memory_allocate").sort();
      expect(allocators).toEqual([...expected.allocators].sort());
    });
  }

  it("go-sdk-add-header imports the Go 1.24 wasip1 runtime and syscall set", () => {
    const imports = importNames(guests.find((g) => g.name === "go-sdk-add-header")!.module);
    for (const name of ["poll_oneoff", "fd_prestat_get", "path_open", "fd_pread", "sock_recv", "fd_fdstat_set_rights"]) {
      expect(imports).toContain(`wasi_snapshot_preview1.${name}`);
    }
  });

  it("cpp-sdk-add-header imports emscripten's memory growth hook and proxy_get_property", () => {
    const imports = importNames(guests.find((g) => g.name === "cpp-sdk-add-header")!.module);
    expect(imports).toEqual(expect.arrayContaining(["env.emscripten_notify_memory_growth", "env.proxy_get_property"]));
  });

  it("v010-add-header uses the 0.1.0 configuration call and imports no WASI", () => {
    const imports = importNames(guests.find((g) => g.name === "v010-add-header")!.module);
    expect(imports).toContain("env.proxy_get_configuration");
    expect(imports.filter((name) => !name.startsWith("env."))).toEqual([]);
  });
});
