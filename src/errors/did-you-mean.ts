/**
 * "Did you mean": the known name closest to a misspelled one, for messages
 * that name what is wrong and what to do.
 */

/**
 * The known name nearest to `name`, when it is close enough to be a slip of
 * the fingers: the same name in another case, or at most one edit for names
 * of up to 4 letters, two below 9 letters, three from 9 (an edit is an
 * insertion, a deletion, a substitution or a swap of neighbours:
 * `parition` → `partition`, `concurency` → `concurrency`); undefined otherwise.
 *
 * @example
 * closestName('user_evnets', ['users', 'user_events', 'purchases']) // 'user_events'
 * closestName('maxbatch', ['interval', 'maxBatch']) // 'maxBatch'
 * closestName('orders', ['users', 'user_events']) // undefined
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  const wanted = name.toLowerCase();
  const candidates = [...known];
  const sameCase = candidates.find((k) => k.toLowerCase() === wanted);
  if (sameCase !== undefined) return sameCase;
  let best: string | undefined;
  let bestDistance = (name.length <= 4 ? 1 : name.length < 9 ? 2 : 3) + 1;
  for (const candidate of candidates) {
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
export function editDistance(a: string, b: string): number {
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
