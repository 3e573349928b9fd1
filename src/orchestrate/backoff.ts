/**
 * Delay before retry number `attempt` (1 = first retry): exponential, capped,
 * with full jitter so that many failed tasks do not retry in lockstep.
 *
 * @example
 * retryDelay(3, 1000, 60_000) // somewhere in [2000, 4000)
 */
export function retryDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
