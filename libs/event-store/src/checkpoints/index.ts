/**
 * Signed checkpoints of the log, stored in the log itself: the ledger's key, the checkpointer that signs C2SP
 * checkpoints as `CheckpointSigned` events of `checkpoint-ledger`, the reader that serves them, and the verifier
 * that checks them against the log, against each other (split views) and against copies kept elsewhere.
 */
export * from './checkpoint-events';
export * from './checkpoint-key';
export * from './checkpoint-config';
export * from './checkpoint-log';
export * from './checkpointer';
export * from './verify-checkpoints';
