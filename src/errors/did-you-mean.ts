/**
 * "Did you mean": the known name closest to a misspelled one, for messages
 * that name what is wrong and what to do.
 */

/**
 * The known name nearest to `name` (Damerau–Levenshtein distance, case
 * ignored), when it is close enough to be a slip of the fingers: at most a
 * third of its length, and at least one edit; undefined otherwise.
 *
 * @example
 * closestName('user_evnets', ['users', 'user_events', 'purchases']) // 'user_events'
 * closestName('orders', ['users', 'user_events']) // undefined
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  const wanted = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const d = editDistance(wanted, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * `; did you mean "x"?` when a known name is close, else the empty string: to
 * follow a message that names an unknown thing.
 *
 * @example
 * `no stream named "evnts"${didYouMean('evnts', ['events'])}` // 'no stream named "evnts"; did you mean "events"?'
 */
export function didYouMean(name: string, known: Iterable<string>): string {
  const found = closestName(name, known);
  return found === undefined ? '' : `; did you mean "${found}"?`;
}

/** Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((d[(i - 1) * cols + j] as number) + 1, (d[i * cols + j - 1] as number) + 1, (d[(i - 1) * cols + j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (d[(i - 2) * cols + j - 2] as number) + 1);
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1] as number;
}
