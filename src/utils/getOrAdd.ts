/**
 * The value `map` holds for `key`, made by `make` and stored first when it holds none: the one memo step of
 * the code base (coders per fragment, groups per block tag, nonces per account…).
 * @example const coder = getOrAdd(coders, fragment, () => new Interface([fragment]));
 */
export function getOrAdd<K, V>(map: { get(key: K): V | undefined; set(key: K, value: V): unknown }, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
