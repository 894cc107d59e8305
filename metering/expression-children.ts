/**
 * The children of a Binaryen IR expression. The same accessor name means an operand for one kind
 * and an immediate for another (`index` is an expression in `table.get`, a lane number in
 * `i8x16.extract_lane`), so which fields are operands is spelled out per kind. A kind missing from the table is refused: a loop hidden under a node we
 * cannot look into would run unmetered, which is exactly what metering must rule out.
 * @module
 */
import { api, expressionKindName } from "./binaryen-api.ts";
import { MeteringError } from "./metering-error.ts";

/**
 * Operand fields per expression kind, in evaluation order: `Binary: ["left", "right"]` means
 * `binaryen.Binary.getLeft` and `getRight` return the operands (a `...s` field returns an array).
 */
const OPERANDS: Record<string, readonly string[]> = {
  Block: ["children"],
  If: ["condition", "ifTrue", "ifFalse"],
  Loop: ["body"],
  Break: ["value", "condition"],
  Switch: ["value", "condition"],
  Call: ["operands"],
  CallIndirect: ["operands", "target"],
  LocalGet: [],
  LocalSet: ["value"],
  GlobalGet: [],
  GlobalSet: ["value"],
  Load: ["ptr"],
  Store: ["ptr", "value"],
  Const: [],
  Unary: ["value"],
  Binary: ["left", "right"],
  Select: ["ifTrue", "ifFalse", "condition"],
  Drop: ["value"],
  Return: ["value"],
  MemorySize: [],
  MemoryGrow: ["delta"],
  Nop: [],
  Unreachable: [],
  AtomicRMW: ["ptr", "value"],
  AtomicCmpxchg: ["ptr", "expected", "replacement"],
  AtomicWait: ["ptr", "expected", "timeout"],
  AtomicNotify: ["ptr", "notifyCount"],
  AtomicFence: [],
  SIMDExtract: ["vec"],
  SIMDReplace: ["vec", "value"],
  SIMDShuffle: ["left", "right"],
  SIMDTernary: ["a", "b", "c"],
  SIMDShift: ["vec", "shift"],
  SIMDLoad: ["ptr"],
  SIMDLoadStoreLane: ["ptr", "vec"],
  MemoryInit: ["dest", "offset", "size"],
  DataDrop: [],
  MemoryCopy: ["dest", "source", "size"],
  MemoryFill: ["dest", "value", "size"],
  Pop: [],
  RefNull: [],
  RefIsNull: ["value"],
  RefFunc: [],
  RefEq: ["left", "right"],
  TableGet: ["index"],
  TableSet: ["index", "value"],
  TableSize: [],
  TableGrow: ["value", "delta"],
  Try: ["body", "catchBodies"],
  Throw: ["operands"],
  Rethrow: [],
  TupleMake: ["operands"],
  TupleExtract: ["tuple"],
};

type Getter = (expr: number) => number | number[];

/**
 * Expression id → operand getters, resolved once. A getter this binaryen.js lacks is an error at
 * load time (a binaryen upgrade renamed something), not a silently skipped operand.
 */
const GETTERS = new Map<number, Getter[]>(
  Object.entries(OPERANDS).map(([kind, fields]) => {
    const id = (api as unknown as Record<string, number>)[`${kind}Id`];
    const wrapper = (api as unknown as Record<string, Record<string, Getter> | undefined>)[kind];
    const getters = fields.map((field) => {
      const getter = wrapper?.[`get${field[0]!.toUpperCase()}${field.slice(1)}`];
      if (typeof id !== "number" || typeof getter !== "function") {
        throw new MeteringError(`this binaryen.js has no ${kind}.get${field}: update metering/expression-children.ts`);
      }
      return getter;
    });
    return [id, getters];
  }),
);

/**
 * The direct children of `expr` (null operands left out).
 * Throws MeteringError for kinds the table does not cover (GC, strings, stack switching,
 * `try_table`, table.fill/copy/init: binaryen.js 131 has no accessors for some of them).
 */
export function expressionChildren(expr: number, where: string): number[] {
  const id = api.getExpressionId(expr);
  const getters = GETTERS.get(id);
  if (!getters) {
    throw new MeteringError(`unsupported instruction ${expressionKindName(id)} in ${where}: cannot meter it safely`);
  }
  const children: number[] = [];
  for (const get of getters) {
    const value = get(expr);
    if (Array.isArray(value)) {
      for (const child of value) if (child) children.push(child);
    } else if (value) {
      children.push(value);
    }
  }
  return children;
}
