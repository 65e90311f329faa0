// The links an error's explanation hides behind, in the order they are followed:
// - `cause`: wrappers (ours, Node's, ethers' `cause`) keep the original there;
// - `error`, `info.error`: ethers keeps the node's JSON-RPC error there ("could not coalesce error",
//   CALL_EXCEPTION);
// - `revert`: ethers' decoded revert of a CALL_EXCEPTION;
// - `data` when it is an object: nodes put a nested error there (Hardhat's `{ message, txHash, data }`,
//   Ganache's `{ result, reason, message }`).
// Never a request (`transaction`, `info.payload`): its `data` is calldata, not the node's answer.
const MAX_DEPTH = 8;

/**
 * Every object along an error's cause chain, the error itself first and then level by level (so an outer
 * explanation comes before a deeper one): through `cause`, `error`, `info.error`, `revert` and object
 * `data`. Bounded (8 levels) and safe against cycles. Strings found on these links (`error: "…"`) are not
 * objects and are left to `errorTexts`.
 * @example causeChain(err).some((e) => e instanceof ChaincallError && e.code === "TIMEOUT")
 */
export function causeChain(err: unknown): object[] {
  const chain: object[] = [];
  const seen = new Set<unknown>();
  let level: unknown[] = [err];
  for (let depth = 0; depth < MAX_DEPTH && level.length > 0; depth++) {
    const next: unknown[] = [];
    for (const value of level) {
      if (value === null || typeof value !== "object" || seen.has(value)) continue;
      seen.add(value);
      chain.push(value);
      next.push(...links(value as Record<string, unknown>));
    }
    level = next;
  }
  return chain;
}

/**
 * The first error along `err`'s cause chain (see `causeChain`: `err` itself, then `cause`, `error`,
 * `info.error`, … level by level) that `predicate` accepts; undefined when none does.
 * @example const rpc = findCause(err, (e) => typeof (e as { code?: unknown }).code === "number");
 */
export function findCause(err: unknown, predicate: (candidate: object) => boolean): object | undefined {
  return causeChain(err).find(predicate);
}

/**
 * The values on the links `causeChain` follows out of one error, strings included (a node's `error` may be
 * its bare message).
 * @example links({ cause: inner, error: "already known" }) // [inner, "already known"]
 */
export function links(value: Record<string, unknown>): unknown[] {
  const info = value.info as { error?: unknown } | null | undefined;
  const data = value.data;
  return [
    value.cause,
    value.error,
    typeof info === "object" && info !== null ? info.error : undefined,
    value.revert,
    typeof data === "object" ? data : undefined,
  ].filter((link) => link !== undefined && link !== null);
}
