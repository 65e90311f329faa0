import { connect as netConnect, type Socket } from "node:net";
import { SocketProvider, type JsonRpcApiProviderOptions, type Networkish } from "ethers";
import { JsonStreamSplitter } from "./JsonStreamSplitter.js";

/**
 * JSON-RPC over an IPC socket (geth's `geth.ipc`, Anvil's `--ipc`). Unlike ethers' own IPC provider it
 * does not rely on newlines between messages: a streaming splitter finds message boundaries.
 * Socket errors are kept (see `lastError`) instead of crashing the process.
 * @example const p = new IpcProvider("/tmp/anvil.ipc", 31337n); await p.getBlockNumber(); p.destroy();
 */
export class IpcProvider extends SocketProvider {
  readonly socket: Socket;
  /** The last socket-level error (ENOENT, ECONNREFUSED, EPIPE…), for connection diagnostics. */
  lastError?: Error;
  private readonly splitter = new JsonStreamSplitter();

  /** `socket`: an IPC socket path, or a socket already connected (the caller then calls `_start()`). */
  constructor(socket: string | Socket, network?: Networkish, options?: JsonRpcApiProviderOptions) {
    super(network, options);
    this.socket = typeof socket === "string" ? netConnect(socket) : socket;
    this.socket.on("ready", () => this._start());
    this.socket.on("data", (chunk: Buffer) => {
      let messages: string[];
      try {
        messages = this.splitter.push(chunk);
      } catch (err) {
        this.lastError = err as Error;
        this.socket.destroy();
        return;
      }
      for (const message of messages) {
        this._processMessage(message).catch((err: Error) => {
          this.lastError = err;
        });
      }
    });
    this.socket.on("error", (err) => {
      this.lastError = err;
    });
    this.socket.on("close", () => {
      this.splitter.reset();
      this.emit("close").catch(() => undefined);
    });
  }

  override async _write(message: string): Promise<void> {
    if (this.socket.destroyed) throw this.lastError ?? new Error("IPC socket closed");
    this.socket.write(message.endsWith("\n") ? message : `${message}\n`);
  }

  override destroy(): void {
    this.socket.destroy();
    super.destroy();
  }
}
