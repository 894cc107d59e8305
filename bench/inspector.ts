/**
 * workerd's inspector from a bench script: a free port for `--inspector-addr`, and a minimal
 * Chrome DevTools Protocol session on the isolate it lists (profiles, heap usage).
 * @module
 */
import { createServer } from "node:net";
import WebSocket from "ws";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** A minimal Chrome DevTools Protocol session. */
export class Inspector {
  #nextId = 1;
  readonly #pending = new Map<number, (result: unknown) => void>();

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
      if (message.id === undefined) return;
      const settle = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      settle?.(message.error ? new Error(message.error.message) : message.result);
    });
  }

  static async connect(port: number): Promise<Inspector> {
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
    if (targets.length === 0) throw new Error("workerd's inspector lists no isolate");
    const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
    await new Promise<void>((resolve, reject) => socket.once("open", () => resolve()).once("error", reject));
    return new Inspector(socket);
  }

  async send<T>(method: string, params: object = {}): Promise<T> {
    const id = this.#nextId++;
    const result = await new Promise<unknown>((resolve) => {
      this.#pending.set(id, resolve);
      this.socket.send(JSON.stringify({ id, method, params }));
    });
    if (result instanceof Error) throw result;
    return result as T;
  }
}
