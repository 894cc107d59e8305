/**
 * Whether something is at a path, for commands that decide before they read or write.
 * @module
 */
import { stat } from "node:fs/promises";

export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
