import { inject, it, expect } from "vitest";
it("reaches the upstream", async () => {
  const port = inject("upstreamPort");
  const res = await fetch(`http://127.0.0.1:${port}/x?a=1`);
  expect((await res.json() as any).path).toBe("/x");
  expect(typeof WebAssembly.promising).toBe("function");
});
