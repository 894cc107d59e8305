/**
 * The bench gateway as another checkout builds it (a baseline for paired comparisons): that
 * checkout's cli/build.ts builds it, this checkout bundles and starts it, so both start alike.
 * A baseline dir is e.g. `git archive <commit> | tar -x -C DIR` plus a node_modules symlink
 * and the build/ folders of filters (docs/benchmarks.md).
 * @module
 */
import { join, resolve } from "node:path";
import { BENCH_BUILD } from "./fixtures/filters-folder.ts";
import { finish, hasGlobalState, type BundledWorker } from "./workerd.ts";

/** The bench gateway (bench-kong.yml and the bench filters), built by the checkout in `dir`. */
export async function baselineGateway(dir: string): Promise<BundledWorker> {
  const { build } = (await import(join(resolve(dir), "cli/build.ts"))) as typeof import("../cli/build.ts");
  const config = join(BENCH_BUILD, "bench-kong.yml");
  const filters = join(BENCH_BUILD, "filters");
  const { outDir } = await build({ config, filters, filtersExplicit: true, out: join(BENCH_BUILD, "bundles", "gateway-baseline") });
  return finish("gateway (baseline)", outDir, hasGlobalState(resolve(dir)));
}
