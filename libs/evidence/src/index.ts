/**
 * @ledger/evidence: evidence bundles an outside body can verify offline. The format (`bundle.ts`), the builder
 * over the store port and the checkpointer (`build-evidence.ts`), and the verifier with its report in English,
 * Vietnamese and Chinese (`verify-evidence.ts`, `messages.ts`). `standalone/verify-evidence.mjs` is a second,
 * independent verifier in one dependency-free file.
 */
export * from './bundle';
export * from './build-evidence';
export * from './keys';
export * from './verify-evidence';
export * from './messages';
