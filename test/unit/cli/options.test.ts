import { describe, expect, it } from "vitest";
import { CliError } from "../../../cli/cli-error.ts";
import { parseCommandLine } from "../../../cli/options.ts";

const BASE = ["build", "--config", "kong.yml"];

function adminApi(argv: string[], env: NodeJS.ProcessEnv = {}): boolean | undefined {
  const invocation = parseCommandLine([...BASE, ...argv], env);
  if (invocation.command === "help" || invocation.command === "init") throw new Error(`unexpected ${invocation.command}`);
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

describe("--isolates", () => {
  function isolates(argv: string[]): number | undefined {
    const invocation = parseCommandLine(["serve", "--config", "kong.yml", ...argv], {});
    if (invocation.command === "help" || invocation.command === "init") throw new Error(`unexpected ${invocation.command}`);
    return invocation.options.isolates;
  }

  it("runs one isolate by default and N when asked", () => {
    expect(isolates([])).toBe(1);
    expect(isolates(["--isolates", "3"])).toBe(3);
  });

  it("refuses zero, too many and non-numbers", () => {
    for (const value of ["0", "17", "two", "-1"]) expect(() => isolates(["--isolates", value])).toThrow(CliError);
  });
});

describe("per-command help", () => {
  it("answers `serve --help` and `help build` with that command's options only", async () => {
    const { commandUsage } = await import("../../../cli/options.ts");
    expect(parseCommandLine(["serve", "--help"], {})).toEqual({ command: "help", of: "serve" });
    expect(parseCommandLine(["help", "build"], {})).toEqual({ command: "help", of: "build" });
    expect(parseCommandLine(["--help"], {})).toEqual({ command: "help" });
    expect(commandUsage("serve")).toMatch(/^Usage: proxy-wasm-workers serve \[options\]/);
    expect(commandUsage("serve")).toContain("--isolates N");
    expect(commandUsage("build")).not.toContain("--isolates");
    expect(commandUsage("build")).not.toContain("--port");
  });
});

describe("init", () => {
  it("writes into the current folder unless given one, with --package as the dependency spec", () => {
    expect(parseCommandLine(["init"], {})).toEqual({ command: "init", options: { dir: ".", packageSpec: undefined } });
    expect(parseCommandLine(["init", "my-gateway", "--package", "file:../pww.tgz"], {})).toEqual({
      command: "init",
      options: { dir: "my-gateway", packageSpec: "file:../pww.tgz" },
    });
  });

  it("takes one folder only", () => {
    expect(() => parseCommandLine(["init", "a", "b"], {})).toThrow(/unexpected argument "b"/);
  });
});

describe("--echo-upstream", () => {
  it("is a port for serve, checked like --port", () => {
    const invocation = parseCommandLine(["serve", "--config", "kong.yml", "--echo-upstream", "9001"], {});
    if (invocation.command !== "serve") throw new Error(`unexpected ${invocation.command}`);
    expect(invocation.options.echoUpstream).toBe(9001);
    expect(() => parseCommandLine(["serve", "--config", "kong.yml", "--echo-upstream", "x"], {})).toThrow(/--echo-upstream must be a number from 0 to 65535, got "x"/);
  });
});
