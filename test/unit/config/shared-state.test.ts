import { describe, expect, it } from "vitest";
import type { FilterCatalog } from "../../../config/model.ts";
import { expectIssues, load, yaml } from "./helpers.ts";

const HEADER = '_format_version: "3.0"';
/** rate_limit defaults to global state in its meta.json; greeting does not say. */
const filters: FilterCatalog = new Map([
  ["greeting", { name: "greeting" }],
  ["rate_limit", { name: "rate_limit", meta: { shared_state: "global" as const } }],
]);

function chain(...entries: string[]): string {
  return yaml(HEADER, "routes:", "  - paths: [/a]", "    filter_chains:", "      - filters:", ...entries);
}

describe("shared_state of a filter entry", () => {
  it("defaults to isolate, takes global, and falls back to the filter's meta.json", () => {
    const config = load(chain("          - name: greeting", "          - name: rate_limit"), { filters });
    expect(config.routes[0].filterChain!.filters.map((f) => f.sharedState)).toEqual(["isolate", "global"]);
    const explicit = load(chain("          - name: rate_limit", "            shared_state: isolate"), { filters });
    expect(explicit.routes[0].filterChain!.filters[0].sharedState).toBe("isolate");
  });

  it("refuses a value other than isolate or global", () => {
    expectIssues(chain("          - name: greeting", "            shared_state: cluster"), [
      [7, "routes[0].filter_chains[0].filters[0].shared_state", expect.stringContaining("expected one of")],
    ], { filters });
  });

  it("fails when entries sharing a VM id disagree, naming both places", () => {
    expectIssues(
      yaml(
        HEADER,
        "routes:",
        "  - paths: [/a]",
        "    filter_chains:",
        "      - filters:",
        "          - name: greeting",
        "            shared_state: global",
        "  - paths: [/b]",
        "    filter_chains:",
        "      - filters:",
        "          - name: greeting",
      ),
      [
        [
          11,
          "routes[1].filter_chains[0].filters[0]",
          'shared_state "isolate" disagrees with "global" at routes[0].filter_chains[0].filters[0].shared_state: entries of filter "greeting" share one VM id and must use the same shared_state',
        ],
      ],
      { filters },
    );
  });
});
