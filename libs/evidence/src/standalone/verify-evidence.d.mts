/** Types of the standalone verifier's exports, for TypeScript callers (benchmarks, tests); the .mjs has no build step. */
export declare const FORMAT: string;
export declare const EXPORT_PAYLOAD_TYPE: string;
export declare function canonicalJson(value: unknown): string;
export declare function rootFromInclusion(index: number, size: number, leaf: Buffer, path: Buffer[]): Buffer;
export declare function checkConsistency(m: number, n: number, proof: Buffer[], oldRoot: Buffer, newRoot: Buffer): void;
export declare function openCheckpointNote(note: string, name: string, raw: Buffer): { size: number; root: Buffer; time: string };
export declare function pae(type: string, body: Buffer): Buffer;
export interface StandaloneCheck {
  id: string;
  ok: boolean;
  params: Record<string, string | number>;
  reason?: string;
}
export interface StandaloneReport {
  ok: boolean;
  keySource: 'pinned' | 'bundle';
  checks: StandaloneCheck[];
  counts: { events: number; envelopes: number };
}
export declare function verifyBundle(text: string, options?: { ledgerKey?: string }): StandaloneReport;
export declare function renderReport(report: StandaloneReport, lang: string): string[];
