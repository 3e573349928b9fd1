/**
 * The state store's public surface: its roles (roles/) and their values,
 * `StateStore` (all roles at once), and `openStateStore`, which picks SQLite
 * or PostgreSQL from the configuration and migrates the schema before
 * handing the store out. Storage-independent values (columns, version files,
 * input versions, windows) are in model/.
 */
export type * from './roles/index.ts';
export type { StateAdmin, StateStore } from './state-store.ts';
export { openStateStore } from './open-state-store.ts';
export type { OpenStateStoreOptions } from './open-state-store.ts';
