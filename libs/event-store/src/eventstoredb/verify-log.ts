import type { RecordedEvent as ClientRecordedEvent } from '@eventstore/db-client';
import { EventStoreError } from '../errors';
import { leafHash, MerkleFrontier, toHex, type StoredNode } from '../integrity';
import type { VerifyProblem, VerifyReport } from '../port';
import { decodeEntry, entryRecord, versionOfRevision, type DecodedEntry } from './mapping';

export interface VerifyLogInput {
  /** The head position when verification started; entries are read up to it. */
  readonly total: number;
  /** The log's entries in revision order, in pages. */
  readonly pages: () => AsyncIterable<readonly ClientRecordedEvent[]>;
  readonly onProgress?: (checked: number, total: number) => void;
  /** Stop after this many problems (the first is the one that matters). */
  readonly maxProblems?: number;
}

const key = (n: { level: number; index: number }) => `${n.level}:${n.index}`;

/**
 * Recomputes the log from its entries in one streaming pass. EventStoreDB keeps each Merkle subtree root in the
 * entry of the leaf that completes it, so the nodes a fresh frontier produces for an entry are compared with the
 * ones stored in that same entry — nothing has to be held for the whole log but the per-stream versions. Checks:
 * positions gap-free from 1; each entry a well-formed ledger event whose stated position is its revision + 1; stream
 * versions consecutive per stream; every append whole (index 0..count − 1, one command); each stored leaf hash equal
 * to SHA-256(0x00 ‖ canonical record); every stored node equal to the recomputed one, none missing, none extra.
 */
export async function verifyLog(input: VerifyLogInput): Promise<VerifyReport> {
  const maxProblems = input.maxProblems ?? 20;
  const problems: VerifyProblem[] = [];
  const frontier = MerkleFrontier.empty();
  const streamVersions = new Map<string, number>();
  let open: { commandId: string; count: number; next: number; position: number } | undefined;
  let expected = 1;
  let checked = 0;
  const add = (p: VerifyProblem) => problems.push(p);

  outer: for await (const page of input.pages()) {
    for (const raw of page) {
      const position = versionOfRevision(raw.revision);
      if (position > input.total) break outer;
      if (position !== expected) {
        add({
          position: expected,
          code: 'POSITION_GAP',
          message: position > expected ? `positions ${expected}..${position - 1} are missing from the log` : `position ${position} repeats or is out of order`,
        });
        expected = position;
      }
      let entry: DecodedEntry | undefined;
      try {
        entry = decodeEntry(raw);
      } catch (e) {
        add({ position, code: 'ROW_MISMATCH', message: e instanceof EventStoreError ? e.message : `log entry at position ${position} cannot be decoded` });
      }
      let leaf: Buffer;
      if (entry) {
        const mismatch = entryMismatch(entry, streamVersions);
        if (mismatch) add({ position, code: 'ROW_MISMATCH', message: mismatch });
        const batch = batchMismatch(entry, open);
        if (batch) add({ position, code: 'ROW_MISMATCH', message: batch });
        open = entry.eventIndex + 1 < entry.eventCount
          ? { commandId: entry.event.metadata.commandId, count: entry.eventCount, next: entry.eventIndex + 1, position }
          : undefined;
        leaf = leafHash(entryRecord(entry.event));
        if (!leaf.equals(entry.leafHash)) {
          add({ position, code: 'LEAF_HASH_MISMATCH', message: `leaf hash ${toHex(entry.leafHash)} does not match the entry (${toHex(leaf)})` });
        }
      } else {
        // Carry on with a leaf no honest entry has, so the nodes above it are reported too.
        leaf = leafHash(`undecodable entry ${position}`);
      }
      compareNodes(frontier.append(leaf), entry?.nodes ?? [], add);
      if (problems.length >= maxProblems) break outer;
      expected = position + 1;
      checked += 1;
      if (input.onProgress && checked % 10_000 === 0) input.onProgress(checked, input.total);
    }
  }
  if (open && problems.length < maxProblems) {
    add({ position: open.position, code: 'ROW_MISMATCH', message: `the append of command ${open.commandId} ends after ${open.next} of its ${open.count} events` });
  }
  if (checked < input.total && problems.length === 0) {
    add({ position: expected, code: 'POSITION_GAP', message: `the log ends at position ${expected - 1}, its head was ${input.total}` });
  }
  input.onProgress?.(checked, input.total);
  problems.sort((a, b) => a.position - b.position);
  return { ok: problems.length === 0, eventsChecked: checked, treeHead: { size: frontier.size, rootHash: toHex(frontier.root()) }, problems };
}

function entryMismatch(entry: DecodedEntry, streamVersions: Map<string, number>): string | undefined {
  const { event } = entry;
  if (entry.claimedPosition !== event.position) return `entry says position ${entry.claimedPosition}, it is at ${event.position}`;
  const previous = streamVersions.get(event.streamId) ?? 0;
  streamVersions.set(event.streamId, event.streamVersion);
  if (event.streamVersion !== previous + 1) {
    return `stream ${event.streamId} goes from version ${previous} to ${event.streamVersion}`;
  }
  return undefined;
}

function batchMismatch(entry: DecodedEntry, open: { commandId: string; count: number; next: number } | undefined): string | undefined {
  const commandId = entry.event.metadata.commandId;
  if (open) {
    if (entry.eventIndex !== open.next || entry.eventCount !== open.count || commandId !== open.commandId) {
      return `the append of command ${open.commandId} is cut off after ${open.next} of its ${open.count} events`;
    }
    return undefined;
  }
  if (entry.eventIndex !== 0) return `event ${entry.eventIndex + 1} of ${entry.eventCount} of command ${commandId} has no start`;
  return undefined;
}

function compareNodes(produced: readonly StoredNode[], stored: readonly StoredNode[], add: (p: VerifyProblem) => void): void {
  const have = new Map(stored.map((n) => [key(n), n.hash] as const));
  for (const n of produced) {
    const at = (n.index + 1) * 2 ** n.level;
    const hash = have.get(key(n));
    if (!hash) add({ position: at, code: 'NODE_MISSING', message: `Merkle node level ${n.level} index ${n.index} is missing` });
    else if (!hash.equals(n.hash)) {
      add({ position: at, code: 'NODE_MISMATCH', message: `Merkle node level ${n.level} index ${n.index} covering positions ${n.index * 2 ** n.level + 1}..${at} does not match the events` });
    }
    have.delete(key(n));
  }
  for (const k of have.keys()) {
    const [level, index] = k.split(':').map(Number);
    add({ position: (index + 1) * 2 ** level, code: 'NODE_EXTRA', message: `Merkle node level ${level} index ${index} is not backed by the events` });
  }
}
