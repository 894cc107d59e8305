/**
 * Runs a parsed filter-author command and answers its exit status.
 * @module
 */
import type { AuthorInvocation } from "./author-options.ts";
import { checkCommand } from "./check.ts";
import { testCommand } from "./fixture-test.ts";
import { playgroundCommand } from "./playground.ts";
import { runCommand } from "./run.ts";

export async function runAuthorCommand(invocation: AuthorInvocation): Promise<number> {
  switch (invocation.command) {
    case "check":
      return checkCommand(invocation.options);
    case "run":
      return runCommand(invocation.options);
    case "test":
      return testCommand(invocation.options);
    case "playground":
      return playgroundCommand(invocation.options);
  }
}
