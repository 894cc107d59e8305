import { describe, expect, it } from "vitest";
import { CliError } from "../../../cli/cli-error.ts";
import { parseCommandLine } from "../../../cli/options.ts";

const BASE = ["build", "--config", "kong.yml"];

function adminApi(argv: string[], env: NodeJS.ProcessEnv = {}): boolean | undefined {
  const invocation = parseCommandLine([...BASE, ...argv], env);
  if (invocation.command === "help") throw new Error("unexpected help");
  return invocation.options.adminApi;
}

describe("--admin-api", () => {
  it("keeps the admin API by default, as Kong does", () => {
    expect(adminApi([])).toBe(true);
  });

  it("leaves it out with --admin-api off, or with Kong's KONG_ADMIN_LISTEN=off", () => {
    expect(adminApi(["--admin-api", "off"])).toBe(false);
    expect(adminApi([], { KONG_ADMIN_LISTEN: "off" })).toBe(false);
    expect(adminApi([], { KONG_ADMIN_LISTEN: " OFF " })).toBe(false);
    expect(adminApi([], { KONG_ADMIN_LISTEN: "127.0.0.1:8001" })).toBe(true);
  });

  it("lets the flag win over the environment", () => {
    expect(adminApi(["--admin-api", "on"], { KONG_ADMIN_LISTEN: "off" })).toBe(true);
  });

  it("refuses anything but on and off", () => {
    expect(() => adminApi(["--admin-api", "no"])).toThrow(CliError);
    expect(() => adminApi(["--admin-api", "no"])).toThrow(/--admin-api must be "on" or "off", got "no"/);
  });
});
