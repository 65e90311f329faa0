// A TCP proxy on 127.0.0.1 that delays every chunk from the client by a fixed time before passing it on:
// what a remote node looks like (one request, one added wait), for the benchmarks' --latency mode.
import { createConnection, createServer, type Socket } from "node:net";

/** A running delay proxy: its URL (http://127.0.0.1:port) and how to stop it. */
export interface DelayProxy {
  url: string;
  /** Closes the server and every connection through it. */
  close(): Promise<void>;
}

/**
 * Starts a proxy to `targetUrl` (http) adding `latencyMs` to each client → node chunk, order kept.
 * @example const proxy = await startDelayProxy(node.rpcUrl, 20); …; await proxy.close();
 */
export async function startDelayProxy(targetUrl: string, latencyMs: number): Promise<DelayProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    // Equal delays fire in order, so the stream stays in order.
    client.on("data", (chunk) => setTimeout(() => upstream.write(chunk), latencyMs));
    client.on("end", () => setTimeout(() => upstream.end(), latencyMs));
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (!address || typeof address !== "object") throw new Error("delay proxy: no port");
  return {
    url: `http://127.0.0.1:${address.port}${target.pathname}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
