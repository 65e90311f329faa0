import type { Interface } from "ethers";

/**
 * Memoises the selector of each function of one contract's `Interface`, so that its calls do not recompute
 * it. ethers v6 computes a function's selector (a keccak256 of its signature text) every time it encodes a
 * call: for concurrent reads through bindings that was about a quarter of the client's CPU per read. Its
 * fragments are immutable (read-only properties, frozen inputs), so the selector is a pure function of the
 * fragment: each function fragment of `iface` gets it as a read-only own property, holding exactly the value
 * ethers computes. Only the fragments of `iface` are touched: no ethers prototype, no other contract.
 * Idempotent. `wrapContract` applies it to the contracts it wraps.
 * @param iface a contract's interface (`contract.interface`)
 * @example cacheSelectors(contract.interface); // contract.getYear() now encodes without a keccak
 */
export function cacheSelectors(iface: Interface): void {
  iface.forEachFunction((fragment) => {
    if (Object.hasOwn(fragment, "selector") || !Object.isExtensible(fragment)) return;
    Object.defineProperty(fragment, "selector", { value: fragment.selector, enumerable: false, writable: false, configurable: false });
  });
}
