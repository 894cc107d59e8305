/**
 * What a `.wasm` file says about itself without running it: its Proxy-Wasm ABI markers, the
 * callbacks it exports, the host calls and WASI functions it imports, its custom sections and the
 * memory it declares. Reads only the bytes and the engine's module reflection, so the playground
 * runs it in a browser too.
 * @module
 */

/** One import of the module, as `module.name` with its kind. */
export interface ModuleImport {
  module: string;
  name: string;
  kind: string;
}

/** The memory a module declares (or imports), in 64 KiB pages; max null when unbounded. */
export interface DeclaredMemory {
  initialPages: number;
  maxPages: number | null;
  imported: boolean;
}

/** Everything `check` reads from a module before instantiating it. */
export interface ModuleFacts {
  /** ABI versions from `proxy_abi_version_*` markers, newest first ("0.2.1"). */
  abiVersions: string[];
  exports: string[];
  imports: ModuleImport[];
  /** `proxy_on_*` (and `proxy_validate_configuration`) exports; the allocator is not a callback. */
  callbacks: string[];
  /** `env.proxy_*` imports. */
  hostCalls: string[];
  /** `wasi_snapshot_preview1.*` and `wasi_unstable.*` imports, as `module.name`. */
  wasi: string[];
  /** Every other import (toolchain helpers such as `env.abort`), as `module.name`. */
  otherImports: string[];
  customSections: string[];
  /** The `producers` custom section: field → values ("language" → ["Rust"]). */
  producers: Record<string, string[]>;
  memory: DeclaredMemory | null;
}

const ABI_MARKER = /^proxy_abi_version_(\d+)_(\d+)_(\d+)$/;
const WASI_MODULES = new Set(["wasi_snapshot_preview1", "wasi_unstable"]);

/** Reads the facts of a compiled module whose bytes are `bytes`. */
export function moduleFacts(bytes: Uint8Array, module: WebAssembly.Module): ModuleFacts {
  const exports = WebAssembly.Module.exports(module).map((entry) => entry.name);
  const imports = WebAssembly.Module.imports(module).map(({ module: from, name, kind }) => ({ module: from, name, kind }));
  const abiVersions = exports
    .map((name) => ABI_MARKER.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => `${match[1]}.${match[2]}.${match[3]}`)
    .sort()
    .reverse();
  const sections = readSections(bytes);
  return {
    abiVersions,
    exports,
    imports,
    callbacks: exports.filter((name) => (name.startsWith("proxy_on_") && name !== "proxy_on_memory_allocate") || name === "proxy_validate_configuration"),
    hostCalls: imports.filter((entry) => entry.module === "env" && entry.name.startsWith("proxy_")).map((entry) => entry.name),
    wasi: imports.filter((entry) => WASI_MODULES.has(entry.module)).map((entry) => `${entry.module}.${entry.name}`),
    otherImports: imports
      .filter((entry) => !WASI_MODULES.has(entry.module) && !(entry.module === "env" && entry.name.startsWith("proxy_")))
      .map((entry) => `${entry.module}.${entry.name}`),
    customSections: sections.custom.map((section) => section.name),
    producers: producersOf(sections.custom.find((section) => section.name === "producers")?.payload),
    memory: sections.memory ?? (imports.some((entry) => entry.kind === "memory") ? { initialPages: 0, maxPages: null, imported: true } : null),
  };
}

interface CustomSection {
  name: string;
  payload: Uint8Array;
}

/** A cursor over wasm bytes with LEB128 and name decoding. */
class Reader {
  at: number;
  constructor(
    readonly bytes: Uint8Array,
    at = 0,
  ) {
    this.at = at;
  }

  u32(): number {
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      if (this.at >= this.bytes.length) throw new RangeError("unexpected end of module");
      byte = this.bytes[this.at++]!;
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return result;
  }

  name(): string {
    const length = this.u32();
    const text = new TextDecoder().decode(this.bytes.subarray(this.at, this.at + length));
    this.at += length;
    return text;
  }
}

const MEMORY_SECTION = 5;

/** Custom sections and the first declared memory, straight from the bytes (the JS API cannot list either). */
function readSections(bytes: Uint8Array): { custom: CustomSection[]; memory: DeclaredMemory | null } {
  const custom: CustomSection[] = [];
  let memory: DeclaredMemory | null = null;
  const reader = new Reader(bytes, 8);
  while (reader.at < bytes.length) {
    const id = bytes[reader.at++]!;
    const size = reader.u32();
    const end = reader.at + size;
    if (id === 0) {
      const name = reader.name();
      custom.push({ name, payload: bytes.subarray(reader.at, end) });
    } else if (id === MEMORY_SECTION && reader.u32() > 0) {
      const flags = reader.u32();
      const initialPages = reader.u32();
      memory = { initialPages, maxPages: flags & 1 ? reader.u32() : null, imported: false };
    }
    reader.at = end;
  }
  return { custom, memory };
}

/** Decodes the tool-conventions `producers` section; an unreadable one gives what was read. */
function producersOf(payload: Uint8Array | undefined): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  if (!payload) return fields;
  try {
    const reader = new Reader(payload);
    for (let field = reader.u32(); field > 0; field--) {
      const name = reader.name();
      const values: string[] = [];
      for (let count = reader.u32(); count > 0; count--) {
        const value = reader.name();
        const version = reader.name();
        values.push(version ? `${value} ${version}` : value);
      }
      fields[name] = values;
    }
  } catch {
    // A truncated section: keep the fields read so far.
  }
  return fields;
}
