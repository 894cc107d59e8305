/**
 * Cold start of the example gateway, with and without the admin API, against an empty worker,
 * measured in alternating single runs (spawn → listen → first complete response), so a busy
 * machine's drift hits each worker alike. Medians per worker, and each worker's median excess
 * over the empty worker's run of the same round.
 *
 *   npx tsx bench/cold-start-paired.ts [--rounds=15]
 * @module
 */
import { measureColdStart } from "./cold-start.ts";
import { prepareBench } from "./prepare.ts";
import { numberOption, runScript } from "./script.ts";
import { median, round } from "./stats.ts";

async function main(): Promise<void> {
  const rounds = numberOption("rounds", 15);
  const prepared = await prepareBench();
  const workers = [prepared.empty, prepared.example, prepared.exampleGatewayOnly];
  const listen = new Map<string, number[]>(workers.map((w) => [w.name, []]));
  const first = new Map<string, number[]>(workers.map((w) => [w.name, []]));
  const beyondEmpty = new Map<string, number[]>(workers.map((w) => [w.name, []]));
  for (let round = 0; round < rounds; round++) {
    let emptyMs = 0;
    for (const worker of workers) {
      const result = await measureColdStart(worker, "/", 1);
      listen.get(worker.name)!.push(result.listenMs);
      first.get(worker.name)!.push(result.firstResponseMs);
      if (worker === prepared.empty) emptyMs = result.firstResponseMs;
      beyondEmpty.get(worker.name)!.push(result.firstResponseMs - emptyMs);
    }
  }
  await prepared.upstream.child.stop();
  console.log(`| worker (${rounds} alternating rounds) | listen ms | first response ms | beyond the empty worker of the same round ms |`);
  console.log("|---|---:|---:|---:|");
  for (const worker of workers) {
    console.log(`| ${worker.name} | ${round(median(listen.get(worker.name)!))} | ${round(median(first.get(worker.name)!))} | ${round(median(beyondEmpty.get(worker.name)!))} |`);
  }
}

runScript(main);
