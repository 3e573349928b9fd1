/** The key hierarchy of personal data: master key → wrapping and pseudonym keys → one data key per data subject. */
export { openMasterKey, MASTER_KEY_ENV, MASTER_KEY_BYTES, type MasterKey, type MasterKeyOptions } from './master-key.ts';
export { KeyHierarchy, PSEUDONYM_PREFIX } from './key-hierarchy.ts';
export { SubjectKeyRing, DATA_KEY_BYTES, type KeyRingOptions } from './subject-key-ring.ts';
export { LruCache } from './lru-cache.ts';
export { randomIv, IV_BYTES } from './random-iv.ts';
