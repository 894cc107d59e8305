/**
 * Runs a parsed filter-author command and answers its exit status.
 * @module
 */
import type { AuthorInvocation } from "./author-options.ts";
import { checkCommand } from "./check.ts";

export async function runAuthorCommand(invocation: AuthorInvocation): Promise<number> {
  switch (invocation.command) {
    case "check":
      return checkCommand(invocation.options);
  }
}
