// A node started by a benchmark must not outlive it, even when the benchmark dies without running its exit
// handlers (a V8 out-of-heap abort runs none: that is how the read benchmark once left its Anvil behind).
import { spawn } from "node:child_process";

/**
 * Starts a detached shell that waits for this process to end, however it ends, then SIGTERMs `pid` (and
 * SIGKILLs it 5 s later if it is still there). Returns the function that stops the watchdog itself (call it
 * once the node is stopped normally).
 * @example const unwatch = watchNode(node.pid); try { … } finally { await node.stop(); unwatch(); }
 */
export function watchNode(pid: number): () => void {
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill ${pid} 2>/dev/null; sleep 5; kill -9 ${pid} 2>/dev/null`;
  const watchdog = spawn("sh", ["-c", script], { detached: true, stdio: "ignore" });
  watchdog.unref();
  return () => {
    if (watchdog.pid !== undefined && watchdog.exitCode === null) watchdog.kill();
  };
}
