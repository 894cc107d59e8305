/**
 * The part of binaryen.js the transform uses, typed. The package's `index.d.ts` lacks the
 * per-expression wrapper namespaces (`binaryen.Loop.setBody`, ...) and the node-specific
 * `getExpressionInfo` fields, which exist at run time in this version; declaring them here keeps
 * the casts in one place.
 * @module
 */
import binaryen from "binaryen";

type Ref = number;

/** The fields `getExpressionInfo` returns: one per getter of the expression's wrapper. */
export type ExpressionInfo = { id: number; type: number } & Record<string, unknown>;

interface Wrappers {
  Loop: { getBody(loop: Ref): Ref; setBody(loop: Ref, body: Ref): void };
  Block: { getName(block: Ref): string | null; insertChildAt(block: Ref, index: number, child: Ref): void };
  Function: { getBody(func: Ref): Ref; setBody(func: Ref, body: Ref): void };
}

/** binaryen.js with the wrappers the typings omit. */
export const api = binaryen as typeof binaryen & Wrappers;

/** The module type binaryen returns from `readBinary`. */
export type BinaryenModule = binaryen.Module;

/**
 * An `i64.const`. This binaryen.js takes one bigint (and aborts on the low/high pair its typings
 * still declare).
 */
export function i64Const(module: binaryen.Module, value: bigint): Ref {
  return (module.i64.const as unknown as (value: bigint) => Ref)(value);
}

/** Every field of an expression node (the typings declare only a few kinds). */
export function expressionInfo(expr: Ref): ExpressionInfo {
  return binaryen.getExpressionInfo(expr) as unknown as ExpressionInfo;
}

/**
 * `binaryen.<Name>Id` → `Name`, for error messages about expression kinds. Kinds without a JS
 * constant (table.fill, try_table, ...) still have the C API's `_Binaryen<Name>Id()`.
 */
export function expressionKindName(id: number): string {
  for (const [key, value] of Object.entries(binaryen as unknown as Record<string, unknown>)) {
    if (key === "InvalidId" || key === "_BinaryenInvalidId") continue;
    if (value === id && /^[A-Z]\w*Id$/.test(key)) return key.slice(0, -2);
    const fromC = /^_Binaryen(\w+)Id$/.exec(key);
    if (fromC && typeof value === "function" && value.length === 0 && value() === id) return fromC[1]!;
  }
  return `expression id ${id}`;
}
