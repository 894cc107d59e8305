/**
 * The files a clone of the repository has: what git tracks, or, in a copy without `.git` (an
 * export, a tarball), every file but the folders and files `.gitignore` leaves out.
 * @module
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** Paths relative to `root`, `/`-separated. */
export function repositoryFiles(root: string): string[] {
  if (existsSync(join(root, ".git"))) {
    return execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" }).split("\0").filter(Boolean);
  }
  const ignored = readFileSync(join(root, ".gitignore"), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const skip = (name: string, isDirectory: boolean) =>
    name === ".git" ||
    ignored.some((rule) => (rule.endsWith("/") ? isDirectory && rule.slice(0, -1) === name : rule.startsWith("*") ? name.endsWith(rule.slice(1)) : rule === name));
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (skip(entry.name, entry.isDirectory())) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(relative(root, path).split("\\").join("/"));
    }
  };
  walk(root);
  return files.sort();
}
