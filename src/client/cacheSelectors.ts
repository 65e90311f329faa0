import { FunctionFragment } from "ethers";

/**
 * ethers v6 recomputes a function's selector (a keccak256 of its signature text) every time it encodes a
 * call: for concurrent reads through bindings that is the largest single cost on the client side. Its
 * fragments are immutable (read-only properties, frozen inputs), so the selector is a pure function of the
 * fragment: this memoises the getter, per fragment object, in the ethers instance chaincall runs with.
 * Idempotent; the value returned is exactly the one ethers computes.
 */
export function cacheSelectors(): void {
  const descriptor = Object.getOwnPropertyDescriptor(FunctionFragment.prototype, "selector");
  const compute = descriptor?.get;
  if (!compute || (compute as { cached?: boolean }).cached) return;
  const selectors = new WeakMap<FunctionFragment, string>();
  const cached = function (this: FunctionFragment): string {
    let selector = selectors.get(this);
    if (selector === undefined) {
      selector = compute.call(this) as string;
      selectors.set(this, selector);
    }
    return selector;
  };
  (cached as { cached?: boolean }).cached = true;
  Object.defineProperty(FunctionFragment.prototype, "selector", { ...descriptor, get: cached });
}
