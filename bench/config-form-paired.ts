/**
 * Cold start from the binary workerd config (what `serve` and the bench start from) against the
 * same config as capnp text (`workerd.capnp`), and with `--baseline=DIR` against the text that
 * the checkout in DIR renders for the same bundle (e.g. one from before the binary config), for
 * the example gateway with and without the admin API and the empty worker. Alternating single
 * runs (spawn → listen → first complete response of `/`), the order of the forms rotating each
 * round, so a busy machine's drift hits every form alike. Medians per worker and form, and the
 * median of each round's difference to the binary form.
 *
 *   npx tsx bench/config-form-paired.ts [--rounds=15] [--baseline=/tmp/before]
 * @module
 */
import { writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { prepareBench } from "./prepare.ts";
import { numberOption, runScript, stringOption } from "./script.ts";
import { median, round } from "./stats.ts";
import { startWorkerd, type BundledWorker } from "./workerd.ts";

/** One way of starting workerd on a bundled worker. */
interface ConfigForm {
  name: string;
  start(worker: BundledWorker): ReturnType<typeof startWorkerd>;
}

/** The form that starts from the text `root`'s renderer writes next to each worker's config. */
async function baselineForm(root: string, workers: readonly BundledWorker[]): Promise<ConfigForm> {
  const { renderWorkerdConfig } = (await import(join(root, "cli/workerd-config.ts"))) as { renderWorkerdConfig(config: BundledWorker["workerdConfig"]): string };
  const files = new Map<BundledWorker, string>();
  for (const worker of workers) {
    const file = join(dirname(worker.textConfig), "workerd.baseline.capnp");
    await writeFile(file, renderWorkerdConfig(worker.workerdConfig));
    files.set(worker, file);
  }
  return { name: "text (baseline)", start: (worker) => startWorkerd({ ...worker, textConfig: files.get(worker)! }, [], "text") };
}

/** Spawn → listen and spawn → first complete response of `/`, in ms. */
async function coldStart(worker: BundledWorker, form: ConfigForm): Promise<{ listen: number; first: number }> {
  const workerd = await form.start(worker);
  try {
    const response = await fetch(workerd.url + "/");
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${worker.name} (${form.name}): status ${response.status}`);
    return { listen: workerd.listeningAt - workerd.spawnedAt, first: performance.now() - workerd.spawnedAt };
  } finally {
    await workerd.child.stop();
  }
}

async function main(): Promise<void> {
  const rounds = numberOption("rounds", 15);
  const baseline = stringOption("baseline");
  const prepared = await prepareBench();
  const workers = [prepared.empty, prepared.example, prepared.exampleGatewayOnly];
  const binary: ConfigForm = { name: "binary", start: (worker) => startWorkerd(worker) };
  const forms: ConfigForm[] = [binary, { name: "text", start: (worker) => startWorkerd(worker, [], "text") }];
  if (baseline) forms.push(await baselineForm(resolve(baseline), workers));
  const listen = new Map<string, number[]>();
  const first = new Map<string, number[]>();
  const overBinary = new Map<string, number[]>();
  const push = (map: Map<string, number[]>, key: string, value: number) => map.set(key, [...(map.get(key) ?? []), value]);
  for (let index = 0; index < rounds; index++) {
    for (const worker of workers) {
      const order = [...forms.slice(index % forms.length), ...forms.slice(0, index % forms.length)];
      const firstMs = new Map<ConfigForm, number>();
      for (const form of order) {
        const result = await coldStart(worker, form);
        push(listen, `${worker.name}|${form.name}`, result.listen);
        push(first, `${worker.name}|${form.name}`, result.first);
        firstMs.set(form, result.first);
      }
      for (const form of forms) push(overBinary, `${worker.name}|${form.name}`, firstMs.get(form)! - firstMs.get(binary)!);
    }
  }
  await prepared.upstream.child.stop();
  console.log(`| worker (${rounds} alternating rounds) | config | listen ms | first response ms | over binary, same round, ms |`);
  console.log("|---|---|---:|---:|---:|");
  for (const worker of workers) {
    for (const form of forms) {
      const key = `${worker.name}|${form.name}`;
      console.log(`| ${worker.name} | ${form.name} | ${round(median(listen.get(key)!))} | ${round(median(first.get(key)!))} | ${round(median(overBinary.get(key)!))} |`);
    }
  }
}

runScript(main);
