/**
 * "Did you mean": the known word a misspelled one was most likely meant to be
 * — by edit distance, a swap of two neighbouring letters counting as one
 * edit (`parition` → `partition`, `concurency` → `concurrency`,
 * `atempts` → `attempts`), or by case alone (`maxbatch` → `maxBatch`).
 */

/**
 * The closest of `known` to `word`, or undefined when none is close enough
 * to be a typo of it (at most one edit for words of up to 4 letters, two
 * beyond, three from 9 letters).
 *
 * @example
 * closest('parition', ['partition', 'inputs', 'sql']) // 'partition'
 * closest('zzzz', ['partition', 'inputs'])            // undefined
 */
export function closest(word: string, known: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const sameCase = known.find((k) => k.toLowerCase() === lower);
  if (sameCase !== undefined) return sameCase;
  const allowed = word.length <= 4 ? 1 : word.length < 9 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (const candidate of known) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number) => d[i * cols + j] as number;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      d[i * cols + j] = v;
    }
  }
  return at(rows - 1, cols - 1);
}
