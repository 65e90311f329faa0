import type { Interface, ParamType } from "ethers";

// ethers encodes any truthy value where the ABI says bool ("false" becomes true). Bindings refuse anything
// but a boolean there; this is the check, built per method only when the method has a bool parameter.

/** Tells whether a call's arguments hold a non-boolean where the ABI says bool. */
export type ArgumentGuard = (args: readonly unknown[]) => boolean;

/**
 * The bool check for a method (`key`: a name, a signature, or `constructor`), or null when none of the
 * functions it may mean has a bool parameter (then the call costs nothing extra).
 */
export function booleanGuard(iface: Interface, key: string): ArgumentGuard | null {
  let candidates: { inputs: readonly ParamType[] }[];
  if (key === "constructor") candidates = [iface.deploy];
  else {
    candidates = [];
    iface.forEachFunction((f) => {
      if (f.name === key || f.format("sighash") === key) candidates.push(f);
    });
  }
  if (!candidates.some((f) => f.inputs.some(hasBool))) return null;
  const only = candidates.length === 1 ? candidates[0]! : undefined;
  return (args) => {
    let fragment = only;
    if (!fragment) {
      try {
        fragment = iface.getFunction(key, [...args]) ?? undefined;
      } catch {
        return false; // no overload fits: ethers says so
      }
    }
    return fragment?.inputs.some((param, i) => findNonBoolean(param, args[i]) !== undefined) === true;
  };
}

/** The first value that sits where the ABI says `bool` but is not a boolean, with where it sits. */
export function findNonBoolean(param: ParamType, value: unknown, path = "", depth = 0): { value: unknown; path: string } | undefined {
  if (depth > 32 || !hasBool(param)) return undefined;
  if (param.type === "bool") return typeof value === "boolean" || isTypedBool(value) ? undefined : { value, path };
  if (param.isArray()) {
    if (!Array.isArray(value)) return undefined; // the encoder says what is wrong with it
    for (const [i, item] of value.entries()) {
      const found = findNonBoolean(param.arrayChildren, item, `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (param.isTuple() && typeof value === "object" && value !== null) {
    for (const [i, component] of param.components.entries()) {
      const item = Array.isArray(value) ? value[i] : (value as Record<string, unknown>)[component.name];
      const found = findNonBoolean(component, item, `${path}.${component.name || i}`, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

const boolTypes = new WeakMap<ParamType, boolean>();

function hasBool(param: ParamType): boolean {
  let known = boolTypes.get(param);
  if (known === undefined) {
    known = /\bbool\b/.test(param.format("sighash"));
    boolTypes.set(param, known);
  }
  return known;
}

function isTypedBool(value: unknown): boolean {
  const typed = value as { _typedSymbol?: unknown; type?: unknown; value?: unknown } | null;
  return (
    typeof typed === "object" &&
    typed !== null &&
    typeof typed._typedSymbol === "symbol" &&
    typed.type === "bool" &&
    typeof typed.value === "boolean"
  );
}
