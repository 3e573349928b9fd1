import { randomBytes } from 'node:crypto';

/**
 * A new version id: sortable by creation time, unique without coordination.
 *
 * @example
 * newVersionId() // 'v20261124T235300123Z-3f9a1c0b'
 */
export function newVersionId(now: number = Date.now()): string {
  const stamp = new Date(now).toISOString().replace(/[-:.]/g, '');
  return `v${stamp}-${randomBytes(4).toString('hex')}`;
}
