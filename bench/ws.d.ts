/** The part of `ws` (a WebSocket client for Node 20, which has no global one) the workerd profiler uses. */
declare module "ws" {
  export default class WebSocket {
    constructor(url: string);
    on(event: "message", listener: (data: unknown) => void): this;
    once(event: "open", listener: () => void): this;
    once(event: "error", listener: (error: Error) => void): this;
    send(data: string): void;
    close(): void;
  }
}
