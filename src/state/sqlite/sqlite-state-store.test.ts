import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { openStateStore } from '../open-state-store.ts';
import { stateStoreSuite } from '../state-store.suite.ts';

const dir = mkdtempSync(join(tmpdir(), 'pond-state-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Every open() reaches the same file, in a folder that does not exist yet.
stateStoreSuite('sqlite', () => openStateStore({ sqlitePath: join(dir, 'nested', 'state.db') }));
