/**
 * Loaded with `node --import` (after tsx) by `pond test`: lets a project's
 * test files import `pond` and `pond/testing` wherever the project lives,
 * with no node_modules of its own.
 */
import { registerPondResolver } from '../config/index.ts';

registerPondResolver();
