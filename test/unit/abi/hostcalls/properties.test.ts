import { describe, expect, it } from "vitest";
import { Status } from "../../../../abi/types.ts";
import { startProbe, staticProperties } from "../support/harness.ts";

const OUT = 100;
const PATH = 200;
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("property host calls", () => {
  it("plugin_root_id answers the configured root id, also from the root context", async () => {
    const probe = await startProbe({ rootId: "my_root" });
    const [path, len] = probe.put(PATH, "plugin_root_id");
    expect(probe.call(probe.plugin.root, "proxy_get_property", path, len, OUT, OUT + 4)).toBe(Status.Ok);
    expect(text(probe.returned(OUT))).toBe("my_root");
  });

  it("an empty root id is OK with 0/0", async () => {
    const probe = await startProbe();
    const [path, len] = probe.put(PATH, "plugin_root_id");
    expect(probe.call(probe.plugin.root, "proxy_get_property", path, len, OUT, OUT + 4)).toBe(Status.Ok);
    expect([probe.u32(OUT), probe.u32(OUT + 4)]).toEqual([0, 0]);
  });

  it("NUL-separated paths reach the gateway's properties, and so do AssemblyScript's dotted ones", async () => {
    const probe = await startProbe();
    const stream = probe.stream([], staticProperties({ "request.path": { type: "string", value: "/a?b" } }));
    const [path, len] = probe.put(PATH, "request\0path");
    expect(probe.call(stream.context, "proxy_get_property", path, len, OUT, OUT + 4)).toBe(Status.Ok);
    expect(text(probe.returned(OUT))).toBe("/a?b");
    const [dotted, dottedLen] = probe.put(PATH, "request.path");
    expect(probe.call(stream.context, "proxy_get_property", dotted, dottedLen, OUT, OUT + 4)).toBe(Status.Ok);
    expect(text(probe.returned(OUT))).toBe("/a?b");
  });

  it("integers are 8-byte little-endian and booleans one byte", async () => {
    const probe = await startProbe();
    const stream = probe.stream([], staticProperties({ "response.code": { type: "int", value: 404n }, "connection.mtls": { type: "bool", value: true } }));
    const [path, len] = probe.put(PATH, "response\0code");
    expect(probe.call(stream.context, "proxy_get_property", path, len, OUT, OUT + 4)).toBe(Status.Ok);
    expect(probe.returned(OUT)).toEqual(new Uint8Array([0x94, 0x01, 0, 0, 0, 0, 0, 0]));
    const [mtls, mtlsLen] = probe.put(PATH, "connection\0mtls");
    expect(probe.call(stream.context, "proxy_get_property", mtls, mtlsLen, OUT, OUT + 4)).toBe(Status.Ok);
    expect(probe.returned(OUT)).toEqual(new Uint8Array([1]));
  });

  it("an unknown property is NotFound", async () => {
    const probe = await startProbe();
    const [path, len] = probe.put(PATH, "no\0such");
    expect(probe.call(probe.stream().context, "proxy_get_property", path, len, OUT, OUT + 4)).toBe(Status.NotFound);
  });

  it("set_property values read back under the same name within the request", async () => {
    const probe = await startProbe();
    const stream = probe.stream();
    const [path, len] = probe.put(PATH, "my_state");
    const [value, valueLen] = probe.put(300, "remembered");
    expect(probe.call(stream.context, "proxy_set_property", path, len, value, valueLen)).toBe(Status.Ok);
    expect(probe.call(stream.context, "proxy_get_property", path, len, OUT, OUT + 4)).toBe(Status.Ok);
    expect(text(probe.returned(OUT))).toBe("remembered");
    expect(probe.call(probe.stream().context, "proxy_get_property", path, len, OUT, OUT + 4)).toBe(Status.NotFound);
  });
});
