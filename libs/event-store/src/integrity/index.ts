/**
 * The pure integrity core of the ledger: canonical JSON, hashes, the Merkle tree and its proofs, DSSE envelopes,
 * Ed25519 and signed checkpoints. No database, no Nest, no clock: everything here is a function of its arguments
 * (the Merkle reads go through the MerkleNodeReader port), so it is checked against known-answer vectors alone.
 */
export type { ProofCheck } from './proof-check';
export { canonicalBytes, canonicalize, DEFAULT_MAX_DEPTH, NotIJsonError, type CanonicalizeOptions } from './jcs';
export { EMPTY_ROOT, fromHex, leafHash, nodeHash, sha256, toHex } from './hash';
export {
  consistencyProof,
  inclusionProof,
  InMemoryMerkleTree,
  MerkleFrontier,
  MerkleReadError,
  rootAt,
  rootFromInclusionProof,
  STORED_MIN_LEVEL,
  subtreeRoot,
  verifyConsistency,
  verifyInclusion,
  type MerkleNodeReader,
  type RootFromProof,
  type StoredNode,
} from './merkle';
export {
  pae,
  signEnvelope,
  verifyEnvelope,
  type DsseEnvelope,
  type DsseSignature,
  type DsseSigner,
  type EnvelopeCheck,
} from './dsse';
export {
  ed25519FromSeed,
  ed25519PublicFromRaw,
  generateEd25519,
  rawPublicKey,
  signEd25519,
  verifyEd25519,
  type Ed25519KeyPair,
} from './ed25519';
export {
  formatCheckpointBody,
  NOTE_ALG_ED25519,
  noteKeyHash,
  openNote,
  parseCheckpointBody,
  parseNote,
  signNote,
  verifyNote,
  type Checkpoint,
  type CheckpointParse,
  type NoteParse,
  type NoteSignature,
} from './checkpoint';
