// The metering transform on small WAT modules: runaway code is stopped, everything else behaves
// exactly as before, and what cannot be metered safely is refused.
import { describe, expect, it } from "vitest";
import { DEFAULT_FUEL_BUDGET, FUEL_EXPORT, FuelExhausted, fuelExhaustion, fuelOf, fuelUsed } from "../../../abi/fuel.ts";
import { MeteringError, meterModule, type MeterOptions } from "../../../metering/meter-module.ts";
import { runIsolated } from "./support/isolated-run.ts";
import { wat } from "./support/wat.ts";

const metered = (text: string, options?: MeterOptions) => meterModule(wat(text), options);

function instantiate(bytes: Uint8Array, imports: WebAssembly.Imports = {}): WebAssembly.Instance {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), imports);
}

type Fn = (...args: number[]) => number;

/** Calls `name(...args)` on a metered instance with `budget`; returns the result and the fuel used. */
function callMetered(instance: WebAssembly.Instance, name: string, args: number[], budget = DEFAULT_FUEL_BUDGET) {
  const meter = fuelOf(instance)!;
  meter.set(budget);
  const result = (instance.exports[name] as Fn)(...args);
  return { result, used: fuelUsed(meter, budget) };
}

const SUM = `(module
  (func (export "sum") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $s (i32.add (local.get $s) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $s)))`;

describe("runaway code", () => {
  it("stops (loop br 0) with fuel exhausted in well under a second at the default budget", async () => {
    const { bytes } = metered(`(module (func (export "spin") (loop $l (br $l))))`);
    const outcome = await runIsolated(bytes, "spin", { budget: DEFAULT_FUEL_BUDGET, timeoutMs: 10_000 });
    expect(outcome.kind).toBe("threw");
    if (outcome.kind !== "threw") return;
    expect(outcome.message).toMatch(/unreachable/);
    expect(BigInt(outcome.fuelLeft!)).toBeLessThan(0n);
    expect(outcome.ms).toBeLessThan(1000);
  });

  it("reports the trap as FuelExhausted through abi/fuel.ts", () => {
    const instance = instantiate(metered(`(module (func (export "spin") (loop $l (br $l))))`).bytes);
    const meter = fuelOf(instance)!;
    meter.set(1_000_000n);
    let caught: unknown;
    try {
      (instance.exports.spin as Fn)();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WebAssembly.RuntimeError);
    const exhausted = fuelExhaustion(meter, 1_000_000n, caught);
    expect(exhausted).toBeInstanceOf(FuelExhausted);
    expect(exhausted!.message).toBe("fuel exhausted (budget 1000000)");
    expect(exhausted!.trap).toBe(caught);
  });

  it("stops unbounded recursion by fuel or by the stack, never hangs", async () => {
    const { bytes } = metered(`(module
      (func $down (export "down") (param i32) (result i32) (call $down (i32.add (local.get 0) (i32.const 1)))))`);
    const fromJs = await runIsolated(bytes, "down", { budget: DEFAULT_FUEL_BUDGET, timeoutMs: 10_000 });
    expect(fromJs.kind).toBe("threw");
  });

  it("stops mutual recursion through return_call (no stack growth) by fuel", async () => {
    const { bytes } = metered(`(module
      (func $ping (export "ping") (return_call $pong))
      (func $pong (return_call $ping)))`);
    const outcome = await runIsolated(bytes, "ping", { budget: 10_000_000n, timeoutMs: 10_000 });
    expect(outcome).toMatchObject({ kind: "threw" });
    if (outcome.kind === "threw") expect(BigInt(outcome.fuelLeft!)).toBeLessThan(0n);
  });

  it.each([
    ["an inner loop of nested loops", `(loop $outer (loop $inner (br $inner)) (br $outer))`],
    ["a loop in the else arm of an if", `(if (i32.eqz (i32.const 1)) (then nop) (else (loop $l (br $l))))`],
    ["a br_table whose every target is a loop", `(loop $a (loop $b (br_table $a $b $a (i32.const 1))))`],
    ["a loop inside a block inside a loop", `(loop $a (block $b (loop $c (br_if $c (i32.const 1))) (br $a)))`],
    ["a loop whose body is only a loop", `(loop $a (loop $b (br $a)))`],
    ["a loop in a try body", `(try (do (loop $l (br $l))) (catch_all))`],
    ["a loop in a catch body", `(try (do (throw $e)) (catch $e (loop $l (br $l))))`],
    ["a loop in an operand", `(drop (i32.add (i32.const 1) (loop $l (result i32) (br $l))))`],
  ])("stops %s", async (_, body) => {
    const { bytes } = metered(`(module (tag $e) (func (export "run") ${body}))`);
    const outcome = await runIsolated(bytes, "run", { budget: 1_000_000n, timeoutMs: 10_000 });
    expect(outcome).toMatchObject({ kind: "threw", message: expect.stringMatching(/unreachable/) });
    if (outcome.kind === "threw") expect(BigInt(outcome.fuelLeft!)).toBeLessThan(0n);
  });

  it("stops a loop in the start function with the initial fuel, before the host could set any", () => {
    const { bytes } = metered(`(module (func $start (loop $l (br $l))) (start $start))`, { initialFuel: 1000n });
    expect(() => instantiate(bytes)).toThrow(/unreachable/);
  });
});

describe("well-behaved code", () => {
  it("computes the same sum metered and unmetered", () => {
    const plain = instantiate(wat(SUM));
    const meteredInstance = instantiate(metered(SUM).bytes);
    for (const n of [0, 1, 10, 12_345]) {
      expect(callMetered(meteredInstance, "sum", [n]).result).toBe((plain.exports.sum as Fn)(n));
    }
  });

  it("uses the same fuel for the same call, and more for more iterations", () => {
    const instance = instantiate(metered(SUM).bytes);
    const first = callMetered(instance, "sum", [1000]).used;
    const second = callMetered(instance, "sum", [1000]).used;
    const longer = callMetered(instance, "sum", [2000]).used;
    expect(first).toBeGreaterThan(0n);
    expect(second).toBe(first);
    // Linear in the iterations: the per-iteration charge is the loop body's size.
    expect(longer - first).toBe(first - callMetered(instance, "sum", [0]).used);
  });

  it("charges exactly 1 per function entry and loop iteration with the unit cost model", () => {
    const instance = instantiate(metered(SUM, { costModel: "unit" }).bytes);
    // entry + one header per iteration + the header of the final, exiting round
    expect(callMetered(instance, "sum", [1000]).used).toBe(1n + 1001n);
  });

  it("runs to completion with exactly enough fuel and traps with one unit less", () => {
    const instance = instantiate(metered(SUM).bytes);
    const needed = callMetered(instance, "sum", [50]).used;
    expect(callMetered(instance, "sum", [50], needed).result).toBe(1225);
    expect(() => callMetered(instance, "sum", [50], needed - 1n)).toThrow(/unreachable/);
  });

  it("computes the same results through nested loops, loops in if/else and br_table", () => {
    const text = `(module
      (func (export "grid") (param $n i32) (result i32) (local $i i32) (local $j i32) (local $c i32)
        (loop $rows
          (local.set $j (i32.const 0))
          (loop $cols
            (if (i32.and (i32.add (local.get $i) (local.get $j)) (i32.const 1))
              (then (local.set $c (i32.add (local.get $c) (i32.const 1))))
              (else (loop $twice
                (local.set $c (i32.add (local.get $c) (i32.const 2)))
                (br_if $twice (i32.eqz (i32.and (local.get $c) (i32.const 3)))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br_if $cols (i32.lt_s (local.get $j) (local.get $n))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $rows (i32.lt_s (local.get $i) (local.get $n))))
        (local.get $c))
      (func (export "dispatch") (param $n i32) (result i32) (local $acc i32)
        (block $exit
          (loop $top
            (block $three (block $two (block $one
              (br_table $one $two $three $exit (i32.rem_u (local.get $n) (i32.const 4))))
              (local.set $acc (i32.add (local.get $acc) (i32.const 1))))
              (local.set $acc (i32.mul (local.get $acc) (i32.const 3))))
            (local.set $acc (i32.xor (local.get $acc) (local.get $n)))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (br $top)))
        (local.get $acc)))`;
    const plain = instantiate(wat(text));
    const instance = instantiate(metered(text).bytes);
    for (const n of [0, 1, 2, 7, 31]) {
      expect(callMetered(instance, "grid", [n]).result).toBe((plain.exports.grid as Fn)(n));
      expect(callMetered(instance, "dispatch", [n]).result).toBe((plain.exports.dispatch as Fn)(n));
    }
  });

  it("charges a Go-shaped dispatch loop per basic block run, not per function size", () => {
    // Go compiles each function to one loop whose br_table jumps to a basic block; a block that is
    // done goes back to the header. Only the blocks that run may be charged.
    const fat = Array.from({ length: 50 }, () => "(local.set $x (i32.add (local.get $x) (i32.const 1)))").join(" ");
    const text = `(module
      (func (export "run") (param $pc i32) (result i32) (local $x i32)
        (loop $dispatch
          (block $bb2 (block $bb1 (block $bb0
            (br_table $bb0 $bb1 $bb2 (local.get $pc)))
            ;; bb0: cheap, then jump to bb2
            (local.set $pc (i32.const 2)) (br $dispatch))
            ;; bb1: fat, then jump to bb2
            ${fat} (local.set $pc (i32.const 2)) (br $dispatch))
          ;; bb2: done
          (return (local.get $x)))
        (unreachable)))`;
    const plain = instantiate(wat(text));
    const instance = instantiate(metered(text).bytes);
    const cheap = callMetered(instance, "run", [0]);
    const heavy = callMetered(instance, "run", [1]);
    expect(cheap.result).toBe((plain.exports.run as Fn)(0));
    expect(heavy.result).toBe(50);
    // The cheap path never pays for bb1's 200 expressions; the heavy one does.
    expect(cheap.used).toBeLessThan(60n);
    expect(heavy.used - cheap.used).toBeGreaterThanOrEqual(200n);
    expect(metered(text).stats.tails).toBeGreaterThan(0);
  });

  it("keeps exceptions working: a throw caught around a loop", () => {
    const text = `(module (tag $e (param i32))
      (func (export "find") (param $limit i32) (result i32) (local $i i32)
        (try (result i32)
          (do (loop $l
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (if (i32.ge_s (local.get $i) (local.get $limit)) (then (throw $e (local.get $i))))
                (br $l))
              (i32.const -1))
          (catch $e))))`;
    const instance = instantiate(metered(text).bytes);
    expect(callMetered(instance, "find", [77]).result).toBe(77);
  });

  it("keeps multi-value functions and blocks", () => {
    const text = `(module
      (func $pair (param i32) (result i32 i32) (local.get 0) (i32.mul (local.get 0) (i32.const 2)))
      (func (export "f") (param i32) (result i32)
        (block (result i32 i32) (call $pair (local.get 0)))
        (i32.add)))`;
    expect(callMetered(instantiate(metered(text).bytes), "f", [21]).result).toBe(63);
  });
});

describe("what the module shows the world", () => {
  const TEXT = `(module
    (import "env" "log" (func $log (param i32)))
    (import "env" "base" (global $base i32))
    (memory (export "memory") 1)
    (table (export "table") 2 funcref)
    (global $seen (export "seen") (mut i32) (i32.const 0))
    (elem (i32.const 0) $answer $start)
    (data (i32.const 16) "hello")
    (func $answer (export "answer") (result i32) (i32.add (global.get $base) (i32.const 42)))
    (func $start (global.set $seen (i32.load8_u (i32.const 16))) (call $log (i32.const 7)))
    (start $start))`;

  it("keeps imports, exports, start, data, tables and names; adds only the fuel global", () => {
    const { bytes, stats } = metered(TEXT);
    const original = new WebAssembly.Module(wat(TEXT) as Uint8Array<ArrayBuffer>);
    const rewritten = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    expect(WebAssembly.Module.imports(rewritten)).toEqual(WebAssembly.Module.imports(original));
    expect(WebAssembly.Module.exports(rewritten)).toEqual([
      ...WebAssembly.Module.exports(original),
      { name: FUEL_EXPORT, kind: "global" },
    ]);
    expect(stats.customSectionsAfter).toEqual(["name"]);

    const logged: number[] = [];
    const instance = instantiate(bytes, { env: { log: (n: number) => logged.push(n), base: 100 } });
    expect(logged).toEqual([7]); // the start function ran, once
    expect((instance.exports.seen as WebAssembly.Global).value).toBe("h".charCodeAt(0)); // data was there first
    expect(new TextDecoder().decode(new Uint8Array((instance.exports.memory as WebAssembly.Memory).buffer, 16, 5))).toBe("hello");
    expect(((instance.exports.table as WebAssembly.Table).get(0) as Fn)()).toBe(142);
    expect(stats).toMatchObject({ functions: 2, loops: 0, tails: 0, sizeBefore: wat(TEXT).length });
    expect(stats.sizeAfter).toBe(bytes.length);
  });

  it("writes no feature the module did not use (besides mutable globals for the counter)", () => {
    expect(metered(SUM).stats.features).toEqual(["MutableGlobals"]);
    expect(metered(`(module (memory 1) (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 1))))`).stats.features)
      .toEqual(["MutableGlobals", "BulkMemoryOpt"]);
    const simd = `(module (func (export "f") (result i32) (i32x4.extract_lane 0 (v128.const i32x4 1 2 3 4))))`;
    expect(metered(simd).stats.features).toEqual(["MutableGlobals", "SIMD128"]);
    expect((instantiate(metered(simd).bytes).exports.f as Fn)()).toBe(1);
  });

  it("counts instrumented functions and loops", () => {
    const { stats } = metered(`(module
      (import "env" "f" (func))
      (func (loop (loop (br 0))))
      (func (if (i32.const 1) (then (loop)) (else (loop)))))`);
    expect(stats).toMatchObject({ functions: 2, loops: 4 });
  });
});

describe("refusals", () => {
  it("refuses a module that already exports the fuel counter", () => {
    const once = metered(SUM).bytes;
    expect(() => meterModule(once)).toThrow(MeteringError);
    expect(() => meterModule(once)).toThrow(/already exports "__pww_fuel"/);
  });

  it("refuses bytes that are not a valid module", () => {
    expect(() => meterModule(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5]))).toThrow(/the module does not compile/);
  });

  it("refuses an instruction it cannot look into, naming it and the function", () => {
    const text = `(module (table 1 funcref) (func $fill_it (table.fill 0 (i32.const 0) (ref.null func) (i32.const 1))))`;
    expect(() => metered(text)).toThrow(/unsupported instruction TableFill in function fill_it/);
  });

  it("refuses a budget that is not an i64", () => {
    expect(() => metered(SUM, { initialFuel: -1n })).toThrow(/initialFuel/);
  });
});

describe("abi/fuel.ts", () => {
  it("finds no meter in an unmetered instance", () => {
    expect(fuelOf(instantiate(wat(SUM)))).toBeNull();
  });

  it("ignores a same-named export that is not a mutable i64 global", () => {
    const instance = instantiate(wat(`(module (global (export "__pww_fuel") i64 (i64.const 5)))`));
    expect(fuelOf(instance)).toBeNull();
  });

  it("does not call a guest's own trap fuel exhaustion", () => {
    const instance = instantiate(metered(`(module (func (export "boom") unreachable))`).bytes);
    const meter = fuelOf(instance)!;
    meter.set(100n);
    let caught: unknown;
    try {
      (instance.exports.boom as Fn)();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(meter.left()).toBeGreaterThanOrEqual(0n);
    expect(fuelExhaustion(meter, 100n, caught)).toBeNull();
    expect(fuelExhaustion(null, 100n, caught)).toBeNull();
  });
});
