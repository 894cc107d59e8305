/**
 * Mutations of valid declarative configs: structural ones on the parsed document (delete a field,
 * swap a value for one of another type or an extreme one, rename a key, duplicate an entry) and
 * textual ones on the YAML (truncate, insert or delete characters, swap lines).
 * @module
 */
import { stringify } from "yaml";
import type { SeededRandom } from "./seeded-random.ts";

type Node = unknown;

const ODD_STRINGS = ["", " ", "~(", "~[a-", "/", "//", "/%zz", "/../..", "\u0000", "é", "*.*", "a".repeat(5000), "http://", "::1", "-1", "1e309", "null", "{", "${x}"];

function oddValue(random: SeededRandom): Node {
  switch (random.below(9)) {
    case 0:
      return random.pick(ODD_STRINGS);
    case 1:
      return random.pick([0, -1, 1.5, 65536, 2 ** 53, -(2 ** 31), Number.MAX_SAFE_INTEGER]);
    case 2:
      return random.next() < 0.5;
    case 3:
      return null;
    case 4:
      return [];
    case 5:
      return {};
    case 6:
      return [random.pick(ODD_STRINGS), 1, null];
    case 7:
      return { name: random.pick(ODD_STRINGS) };
    default:
      return random.pick(["greeting", "add_header", "rate_limit", "as_filter", "missing-filter"]);
  }
}

/** Every [container, key] pair below `root`, so a mutation can pick any place. */
function places(root: Node, out: [Record<string, Node> | Node[], string | number][] = []): [Record<string, Node> | Node[], string | number][] {
  if (Array.isArray(root)) {
    root.forEach((child, index) => {
      out.push([root, index]);
      places(child, out);
    });
  } else if (root !== null && typeof root === "object") {
    for (const [key, child] of Object.entries(root)) {
      out.push([root as Record<string, Node>, key]);
      places(child, out);
    }
  }
  return out;
}

function mutateStructure(document: Node, random: SeededRandom): void {
  const all = places(document);
  if (all.length === 0) return;
  const [container, key] = random.pick(all);
  const record = container as Record<string | number, Node>;
  switch (random.below(4)) {
    case 0:
      if (Array.isArray(container)) container.splice(key as number, 1);
      else delete record[key];
      break;
    case 1:
      record[key] = oddValue(random);
      break;
    case 2:
      if (!Array.isArray(container)) {
        const value = record[key];
        delete record[key];
        record[random.pick(["nme", "paths ", "_format_version", "filter_chains", "plugins", "routes", "id", "strip_path", "shared_state"])] = value;
      }
      break;
    default:
      if (Array.isArray(container)) container.push(structuredClone(container[key as number]));
      else record[key] = [structuredClone(record[key]), structuredClone(record[key])];
  }
}

function mutateText(text: string, random: SeededRandom): string {
  const at = random.below(text.length + 1);
  switch (random.below(4)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return text.slice(0, at) + random.pick([":", "-", "  ", "\t", "'", '"', "[", "{", "&a", "*a", "!!binary", "\n- ", "#"]) + text.slice(at);
    case 2:
      return text.slice(0, at) + text.slice(at + 1 + random.below(20));
    default: {
      const lines = text.split("\n");
      const i = random.below(lines.length);
      const j = random.below(lines.length);
      [lines[i], lines[j]] = [lines[j], lines[i]];
      return lines.join("\n");
    }
  }
}

/** One mutant of `document`: a few structural changes, then maybe a textual one; YAML or JSON. */
export function mutateConfig(document: Node, random: SeededRandom): { text: string; fileName: string } {
  const copy = structuredClone(document);
  const changes = 1 + random.below(3);
  for (let i = 0; i < changes; i++) mutateStructure(copy, random);
  if (random.next() < 0.2) return { text: JSON.stringify(copy), fileName: "kong.json" };
  const text = stringify(copy);
  return { text: random.next() < 0.4 ? mutateText(text, random) : text, fileName: "kong.yml" };
}
