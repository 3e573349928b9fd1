/**
 * Durations as users write them: `'90s'`, `'10m'`, `'1h'`, `'7d'`, `'2w'`, or a
 * combination such as `'1h30m'`. Parsed by `parseDuration` in partition/.
 */

/** A duration literal, checked by the editor for its shape. */
export type Duration = `${number}${'ms' | 's' | 'm' | 'h' | 'd' | 'w'}` | `${number}${string}`;
