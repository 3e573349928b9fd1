/**
 * A project's files as one value that changes when any of them does: path,
 * size and modification time of every file a project is made of (code, SQL,
 * schemas, config), read with `stat` only. Folders of data are left out: the
 * lake, the state, the buffer, keys, `node_modules`, hidden folders, and the
 * folders of files sinks, so that Pond's own writes never look like an edit.
 */
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Project } from '../config/index.ts';

const PROJECT_FILE = /\.(?:[mc]?[tj]s|json|sql)$/;

/** Folders under the project that hold data, not code. */
export function dataFolders(project: Project): Set<string> {
  const dirs = [project.lakeDir, path.dirname(project.sqlitePath), project.buffer.dir, project.privacy.keyDir];
  for (const d of project.datasets.values()) for (const s of d.sinks) if (s.kind === 'files') dirs.push(s.dir);
  return new Set(dirs.map((d) => path.resolve(d)));
}

export function projectStamp(dir: string, skip: ReadonlySet<string>): string {
  const parts: string[] = [];
  const walk = (folder: string) => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return; // removed while we looked: the next stamp sees it
    }
    for (const e of entries) {
      const full = path.join(folder, e.name);
      if (e.isDirectory()) {
        if (e.name.startsWith('.') || e.name === 'node_modules' || skip.has(full)) continue;
        walk(full);
      } else if (PROJECT_FILE.test(e.name)) {
        try {
          const s = statSync(full);
          parts.push(`${full}\u0000${s.size}\u0000${s.mtimeMs}`);
        } catch {
          // removed while we looked
        }
      }
    }
  };
  walk(path.resolve(dir));
  return parts.sort().join('\n');
}
