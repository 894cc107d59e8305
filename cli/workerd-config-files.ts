/**
 * Writes the workerd config twice into the build folder, both from the same `WorkerdConfig`:
 * `workerd.config.bin`, the binary Cap'n Proto message `serve` starts workerd from
 * (`workerd serve --binary`), and `workerd.capnp`, the same config as text for people.
 * @module
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Worker_Module } from "miniflare";
import { renderWorkerdConfig } from "./workerd-config-text.ts";
import { workerdConfigObject, type WorkerdConfig, type WorkerModule } from "./workerd-config.ts";

export const WORKERD_CONFIG_BINARY = "workerd.config.bin";
export const WORKERD_CONFIG_TEXT = "workerd.capnp";

/** The config files written into a folder. */
export interface WorkerdConfigFiles {
  /** For `workerd serve --binary`. */
  binary: string;
  /** The same config as capnp text. */
  text: string;
}

type ConfigEncoder = typeof import("miniflare").serializeConfig;
let encoder: Promise<ConfigEncoder> | undefined;

/**
 * miniflare's config encoder. Loading miniflare takes most of a second, so a caller with other
 * work to do (bundling) can start it first and have it ready when the config is.
 */
export function loadConfigEncoder(): Promise<ConfigEncoder> {
  return (encoder ??= import("miniflare").then((miniflare) => miniflare.serializeConfig));
}

/** Writes both forms of `config` into `dir`, the folder its module paths are relative to. */
export async function writeWorkerdConfig(dir: string, config: WorkerdConfig): Promise<WorkerdConfigFiles> {
  const files = { binary: join(dir, WORKERD_CONFIG_BINARY), text: join(dir, WORKERD_CONFIG_TEXT) };
  await writeFile(files.binary, await encodeWorkerdConfig(dir, config));
  await writeFile(files.text, renderWorkerdConfig(config));
  return files;
}

/**
 * The binary message of `config`, its modules read from `dir`; with V8 flags only for
 * measurements (a profiler's `--perf-basic-prof`), never for serving.
 */
export async function encodeWorkerdConfig(dir: string, config: WorkerdConfig, v8Flags: readonly string[] = []): Promise<Buffer> {
  const [encode, contents] = await Promise.all([loadConfigEncoder(), readModules(dir, config.modules)]);
  const object = workerdConfigObject(config, (module) => contents.get(module.name)!);
  return encode(v8Flags.length === 0 ? object : { ...object, v8Flags: [...v8Flags] });
}

/** Each module with its contents, as the binary form carries them (the text form embeds files). */
async function readModules(dir: string, modules: readonly WorkerModule[]): Promise<Map<string, Worker_Module>> {
  const read = modules.map(async (module): Promise<[string, Worker_Module]> => {
    const file = join(dir, module.embed);
    return [module.name, module.kind === "esModule" ? { name: module.name, esModule: await readFile(file, "utf8") } : { name: module.name, wasm: await readFile(file) }];
  });
  return new Map(await Promise.all(read));
}
