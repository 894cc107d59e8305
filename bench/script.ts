/**
 * What every runnable bench script shares: stopping its children when it ends, and reading
 * `--name=N` options.
 * @module
 */
import { killAll } from "./processes.ts";

/** Runs a bench script's `main`, then stops every child and exits 0, or 1 with the error. */
export function runScript(main: () => Promise<void>): void {
  main().then(
    () => {
      killAll();
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      killAll();
      process.exit(1);
    },
  );
}

/** The text given as `--name=TEXT` on the command line, if any. */
export function stringOption(name: string): string | undefined {
  return process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/** The number given as `--name=N` on the command line, or `fallback`. */
export function numberOption(name: string, fallback: number): number {
  const text = stringOption(name);
  return text === undefined ? fallback : Number(text);
}

/** The text given as `--name=TEXT` on the command line, or `fallback`. */
export function textOption(name: string, fallback: string): string {
  return stringOption(name) ?? fallback;
}
