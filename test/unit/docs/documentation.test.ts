import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../e2e/support/cli-process.ts";
import { repositoryFiles } from "../../e2e/support/repository-files.ts";

/** Every Markdown file of the repository. */
const pages = repositoryFiles(REPO_ROOT).filter((file) => file.endsWith(".md"));

/** Inline links and images `[text](target)` outside code, with their line numbers. */
function links(markdown: string): { target: string; line: number }[] {
  const found: { target: string; line: number }[] = [];
  let fenced = false;
  markdown.split("\n").forEach((text, index) => {
    if (/^\s*```/.test(text)) fenced = !fenced;
    if (fenced) return;
    const prose = text.replace(/`[^`]*`/g, "");
    for (const match of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) found.push({ target: match[1], line: index + 1 });
  });
  return found;
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fenced = false;
  for (const text of markdown.split("\n")) {
    if (/^\s*```/.test(text)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!heading) continue;
    const slug = heading[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    out.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return out;
}

describe("links in the documentation", () => {
  it("finds the pages to check", () => {
    expect(pages).toContain("README.md");
    expect(pages).toContain("docs/configuration.md");
  });

  for (const page of pages) {
    it(`${page}: every relative link names a file of the repository, and every anchor a heading of it`, () => {
      const markdown = readFileSync(join(REPO_ROOT, page), "utf8");
      const dead: string[] = [];
      for (const { target, line } of links(markdown)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …
        const [path, anchor] = target.split("#") as [string, string | undefined];
        const file = path === "" ? join(REPO_ROOT, page) : join(REPO_ROOT, dirname(page), decodeURIComponent(path));
        if (!existsSync(file)) {
          dead.push(`${page}:${line} ${target}: no ${relative(REPO_ROOT, file)}`);
          continue;
        }
        if (anchor !== undefined && statSync(file).isFile() && file.endsWith(".md") && !anchors(readFileSync(file, "utf8")).has(anchor)) {
          dead.push(`${page}:${line} ${target}: no heading #${anchor} in ${relative(REPO_ROOT, file)}`);
        }
      }
      expect(dead).toEqual([]);
    });
  }
});

describe("the configuration reference", () => {
  it("documents every field a filter entry accepts, and no other", async () => {
    const { FILTER_FIELDS } = await import("../../../config/validate-filter-chain.ts");
    const markdown = readFileSync(join(REPO_ROOT, "docs/configuration.md"), "utf8");
    const section = markdown.slice(markdown.indexOf("\n## Filter entries\n"), markdown.indexOf("\n## ", markdown.indexOf("\n## Filter entries\n") + 1));
    const documented = [...section.matchAll(/^\| `([a-z_]+)` \|/gm)].map((match) => match[1]);
    expect(documented.sort()).toEqual([...FILTER_FIELDS].sort());
  });
});

describe("the README's table of gateway settings", () => {
  it("has a row for every PROXY_WASM_ binding the worker reads", () => {
    const options = readFileSync(join(REPO_ROOT, "worker/options.ts"), "utf8");
    const bindings = [...options.matchAll(/^\s+(PROXY_WASM_[A-Z_]+)\?: string;$/gm)].map((match) => match[1]);
    expect(bindings).toContain("PROXY_WASM_SERVER_TIMING");
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    expect(bindings.filter((name) => !readme.includes(`| \`${name}\``))).toEqual([]);
  });
});
