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

/**
 * `make`, remembered per key in a map of at most `limit` entries (cleared when full: a process that meets many
 * keys does not grow without end). For pure work a hot path repeats on the same few keys.
 * @example const padded = remembered(1_000, (to: string) => to.slice(2).toLowerCase().padStart(64, "0"));
 */
export function remembered<K, V>(limit: number, make: (key: K) => V): (key: K) => V {
  const values = new Map<K, V>();
  return (key) =>
    getOrAdd(values, key, () => {
      if (values.size >= limit) values.clear();
      return make(key);
    });
}
