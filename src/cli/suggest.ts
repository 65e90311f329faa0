/**
 * The known name closest to a mistyped one, for "did you mean …?" hints: the smallest edit distance
 * (insertions, deletions, substitutions, and swaps of two neighbours), accepted only when it is small for
 * the name's length (at most 1 for up to 4 characters, 2 up to 8, 3 beyond), so a made-up name gets no
 * far-fetched suggestion.
 * @example closestName("rpc-ur", ["rpc-url", "json"]) // "rpc-url"
 */
export function closestName(typed: string, known: readonly string[]): string | undefined {
  const limit = typed.length <= 4 ? 1 : typed.length <= 8 ? 2 : 3;
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(typed.toLowerCase(), name.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
