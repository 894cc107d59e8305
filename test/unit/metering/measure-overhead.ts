/**
 * The numbers in docs/reliability.md ("Fuel metering"): transform time and size on the built
 * filters, how fast a metered runaway loop burns fuel, and what metering costs a CPU-bound loop.
 * Not a test (timings vary by machine); run it: `npx tsx test/unit/metering/measure-overhead.ts`.
 * @module
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fuelOf } from "../../../abi/fuel.ts";
import { meterModule, type CostModel } from "../../../metering/meter-module.ts";
import { wat } from "./support/wat.ts";

type Fn = (...args: number[]) => number;
const instantiate = (bytes: Uint8Array) => new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), {});
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function transformNumbers(): void {
  const files = [join("build/filters/greeting.wasm"), ...readdirSync("build/guests").map((f) => join("build/guests", f))];
  meterModule(readFileSync(files[0]!)); // warm binaryen up
  console.log("| module | size before | size after | overhead | functions | loops | tails | transform (median of 5) |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const file of files.filter(existsSync)) {
    const bytes = readFileSync(file);
    const runs = Array.from({ length: 5 }, () => meterModule(bytes));
    const { stats } = runs[0]!;
    const pct = ((stats.sizeAfter / stats.sizeBefore - 1) * 100).toFixed(1);
    console.log(`| ${file} | ${stats.sizeBefore} | ${stats.sizeAfter} | +${pct}% | ${stats.functions} | ${stats.loops} | ${stats.tails} | ${median(runs.map((r) => r.stats.milliseconds)).toFixed(0)} ms |`);
  }
}

/** Fuel per second a runaway loop burns: the first call (baseline tier) and after warm-up calls. */
function burnRate(label: string, text: string, costModel: CostModel, budget: bigint): void {
  const instance = instantiate(meterModule(wat(text), { costModel }).bytes);
  const meter = fuelOf(instance)!;
  const spin = instance.exports.spin as Fn;
  const once = () => {
    meter.set(budget);
    const t = performance.now();
    try {
      spin();
    } catch {
      // fuel exhausted, as intended
    }
    return performance.now() - t;
  };
  const cold = once();
  for (let i = 0; i < 20; i++) once();
  const warm = median(Array.from({ length: 5 }, once));
  const rate = (ms: number) => `${((Number(budget) / ms) * 1000 / 1e6).toFixed(0)} M fuel/s (${ms.toFixed(0)} ms for ${budget})`;
  console.log(`${label} [${costModel}]: cold ${rate(cold)}; warm ${rate(warm)}`);
}

function timed(run: () => void): number {
  const t = performance.now();
  run();
  return performance.now() - t;
}

/** A CPU-bound loop of `n` iterations, unmetered vs metered (warm, median of 5). */
function runtimeOverhead(): void {
  const text = `(module (func (export "work") (param $n i32) (result i32) (local $i i32) (local $h i32)
    (loop $l
      (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 31)) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $h)))`;
  const n = 100_000_000;
  const plain = instantiate(wat(text)).exports.work as Fn;
  const results: Record<string, number> = {};
  for (let i = 0; i < 3; i++) plain(1000);
  results.unmetered = median(Array.from({ length: 5 }, () => timed(() => plain(n))));
  for (const costModel of ["size", "unit"] as const) {
    const instance = instantiate(meterModule(wat(text), { costModel }).bytes);
    const meter = fuelOf(instance)!;
    const work = instance.exports.work as Fn;
    for (let i = 0; i < 3; i++) (meter.set(1n << 62n), work(1000));
    results[costModel] = median(Array.from({ length: 5 }, () => timed(() => (meter.set(1n << 62n), work(n)))));
    meter.set(1n << 62n);
    work(n);
    console.log(`  fuel for ${n} iterations [${costModel}]: ${(1n << 62n) - meter.left()}`);
  }
  console.log(`loop of 1e8 iterations: unmetered ${results.unmetered!.toFixed(0)} ms; metered size ${results.size!.toFixed(0)} ms (${((results.size! / results.unmetered! - 1) * 100).toFixed(0)}%); unit ${results.unit!.toFixed(0)} ms (${((results.unit! / results.unmetered! - 1) * 100).toFixed(0)}%)`);
}

/** Fuel per byte of a JSON-tokenizer-shaped scan (a byte switch per character), 10 KiB input. */
function scanCost(): void {
  const text = `(module (memory (export "memory") 1)
    (func (export "scan") (param $len i32) (result i32) (local $i i32) (local $c i32) (local $depth i32) (local $tokens i32) (local $instr i32)
      (block $done (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $c (i32.load8_u (local.get $i)))
        (block $other (block $quote (block $close (block $open
          (br_table $open $close $quote $other
            (select (i32.const 0) (select (i32.const 1) (select (i32.const 2) (i32.const 3)
              (i32.eq (local.get $c) (i32.const 34)))
              (i32.or (i32.eq (local.get $c) (i32.const 125)) (i32.eq (local.get $c) (i32.const 93))))
              (i32.or (i32.eq (local.get $c) (i32.const 123)) (i32.eq (local.get $c) (i32.const 91))))))
          (local.set $depth (i32.add (local.get $depth) (i32.const 1))) (br $other))
          (local.set $depth (i32.sub (local.get $depth) (i32.const 1))) (br $other))
          (local.set $instr (i32.xor (local.get $instr) (i32.const 1))))
        (local.set $tokens (i32.add (local.get $tokens) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
      (local.get $tokens)))`;
  const instance = instantiate(meterModule(wat(text)).bytes);
  const plain = instantiate(wat(text));
  const json = new TextEncoder().encode(JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item-${i}`, tags: ["a", "b"], ok: i % 2 === 0 }))).slice(0, 10240));
  new Uint8Array((instance.exports.memory as WebAssembly.Memory).buffer).set(json);
  const meter = fuelOf(instance)!;
  meter.set(1n << 40n);
  (instance.exports.scan as Fn)(json.length);
  const used = (1n << 40n) - meter.left();
  console.log(`tokenizer-shaped scan of ${json.length} bytes: ${used} fuel, ${(Number(used) / json.length).toFixed(1)} fuel/byte`);
  new Uint8Array((plain.exports.memory as WebAssembly.Memory).buffer).set(json);
  const scans = (scan: Fn, before: () => void) => median(Array.from({ length: 5 }, () => timed(() => {
    for (let i = 0; i < 2000; i++) (before(), scan(json.length));
  })));
  const unmetered = scans(plain.exports.scan as Fn, () => undefined);
  const metered = scans(instance.exports.scan as Fn, () => meter.set(1n << 40n));
  console.log(`2000 scans: unmetered ${unmetered.toFixed(0)} ms, metered ${metered.toFixed(0)} ms (+${((metered / unmetered - 1) * 100).toFixed(0)}%)`);
}

transformNumbers();
burnRate("(loop br 0)", `(module (func (export "spin") (loop $l (br $l))))`, "size", 100_000_000n);
burnRate("(loop br 0)", `(module (func (export "spin") (loop $l (br $l))))`, "unit", 100_000_000n);
burnRate(
  "loop with a 3-statement body",
  `(module (func (export "spin") (local $i i32) (local $h i32) (loop $l
    (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 31)) (local.get $i)))
    (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l))))`,
  "size",
  1_000_000_000n,
);
runtimeOverhead();
scanCost();
