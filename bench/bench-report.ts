import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchRow {
  readonly name: string;
  /** Events per second through the ledger. */
  readonly ledger: number;
  /** The raw engine's rate for the comparable operation, same run. */
  readonly raw: number;
  readonly rawLabel: string;
  /** Minimum ledger/raw ratio the issue sets, if any. */
  readonly target?: number;
  /** Minimum absolute events/s, if any. */
  readonly absoluteTarget?: number;
}

export function rate(count: number, startedAt: number): number {
  return count / ((performance.now() - startedAt) / 1000);
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export function printTable(title: string, rows: readonly BenchRow[]): void {
  console.log(`\n== ${title}`);
  for (const r of rows) {
    const ratio = r.ledger / r.raw;
    const goal =
      r.target !== undefined
        ? ` (target ≥ ${Math.round(r.target * 100)}%: ${ratio >= r.target ? 'met' : 'NOT met'})`
        : r.absoluteTarget !== undefined
          ? ` (target ≥ ${fmt(r.absoluteTarget)}/s: ${r.ledger >= r.absoluteTarget ? 'met' : 'NOT met'})`
          : '';
    console.log(`${r.name.padEnd(44)} ledger ${fmt(r.ledger).padStart(9)} ev/s | raw ${fmt(r.raw).padStart(9)} ev/s (${r.rawLabel}) | ratio ${(ratio * 100).toFixed(1)}%${goal}`);
  }
}

/** Keeps a history so later changes can be compared (bench/results/<engine>-<timestamp>.json). */
export function record(engine: string, rows: readonly BenchRow[]): void {
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const at = new Date().toISOString();
  writeFileSync(
    join(dir, `${engine}-${at.replace(/[:.]/g, '-')}.json`),
    JSON.stringify({ engine, at, node: process.version, rows: rows.map((r) => ({ ...r, ratio: r.ledger / r.raw })) }, null, 2) + '\n',
  );
}
