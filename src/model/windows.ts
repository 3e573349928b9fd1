/** Every window number, as `[from, to)` for reads such as `currentVersions` of a whole dataset. */
export const ALL_WINDOWS = Object.freeze({ from: -Number.MAX_SAFE_INTEGER, to: Number.MAX_SAFE_INTEGER });
