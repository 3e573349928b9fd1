/** The key hierarchy of personal data: master key → key epochs' keys and the pseudonym key → one data key per data subject. */
export { openMasterKey, MASTER_KEY_ENV, MASTER_KEY_BYTES, type MasterKey, type MasterKeyOptions } from './master-key.ts';
export { KeyHierarchy, PSEUDONYM_PREFIX } from './key-hierarchy.ts';
export { SubjectKeyRing, DATA_KEY_BYTES, type KeyRingOptions, type KeyRingState, type EpochRotation } from './subject-key-ring.ts';
export { KeyEpochs, EpochKey, epochOfWrapped } from './key-epochs.ts';
export { LocalEpochKeyStore, type EpochKeyStore } from './epoch-key-store.ts';
export { LruCache } from './lru-cache.ts';
export { randomIv, IV_BYTES } from './random-iv.ts';
