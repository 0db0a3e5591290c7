import { resultFromRows } from '../append-plan';
import type { AppendResult } from '../port';

/** What the writer remembers of one log entry. */
export interface WindowEntry {
  readonly position: number;
  readonly eventId: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly commandId: string;
  readonly eventIndex: number;
  readonly eventCount: number;
}

/** A command already in the log and its first result. */
export interface FirstAppend {
  readonly streamId: string;
  readonly result: AppendResult;
}

/**
 * The log entries after the materialized watermark that this process has read or written: the window (base, tail].
 *
 * Every decision an append takes — the stream's current version, whether its command id was seen — is taken against
 * the log up to `tail`, and the append is conditioned on the log still ending at `tail`. For entries at or below
 * `base`, the streams' links and the command index are complete (that is what rolling forward guarantees), so the
 * server answers for them; for entries in the window, this class does. It is plain data, owned by the writer loop.
 */
export class LogWindow {
  private readonly entries: WindowEntry[] = [];
  private readonly byStream = new Map<string, WindowEntry[]>();
  private readonly byCommand = new Map<string, WindowEntry[]>();
  /** Per stream, the highest version whose link is known to be written. */
  private readonly linkedThrough = new Map<string, number>();
  private readonly indexed = new Set<string>();

  get size(): number {
    return this.entries.length;
  }

  /** True when the last entry closes its append, so no append straddles the window's end. */
  atAppendBoundary(): boolean {
    const last = this.entries[this.entries.length - 1];
    return last === undefined || last.eventIndex === last.eventCount - 1;
  }

  add(entry: WindowEntry): void {
    const last = this.entries[this.entries.length - 1];
    if (last && entry.position !== last.position + 1) {
      throw new RangeError(`window entries must be consecutive: ${entry.position} after ${last.position}`);
    }
    this.entries.push(entry);
    push(this.byStream, entry.streamId, entry);
    push(this.byCommand, entry.commandId, entry);
    if (!this.linkedThrough.has(entry.streamId)) this.linkedThrough.set(entry.streamId, entry.streamVersion - 1);
  }

  /** The stream's version as of the window's end, or undefined when the window has no entry of it. */
  streamVersion(streamId: string): number | undefined {
    const list = this.byStream.get(streamId);
    return list?.[list.length - 1].streamVersion;
  }

  /** The command's first result, once all of its entries are in the window. */
  firstAppend(commandId: string): FirstAppend | undefined {
    const list = this.byCommand.get(commandId);
    if (!list || list[0].eventIndex !== 0 || list.length !== list[0].eventCount) return undefined;
    return {
      streamId: list[0].streamId,
      result: resultFromRows(list.map((e) => ({ position: e.position, eventId: e.eventId, streamId: e.streamId, streamVersion: e.streamVersion }))),
    };
  }

  /** The stream's entries whose links are not known to be written, in version order. */
  unlinked(streamId: string): WindowEntry[] {
    const through = this.linkedThrough.get(streamId);
    return (this.byStream.get(streamId) ?? []).filter((e) => through === undefined || e.streamVersion > through);
  }

  hasUnlinked(streamId: string): boolean {
    const v = this.streamVersion(streamId);
    return v !== undefined && v > (this.linkedThrough.get(streamId) ?? 0);
  }

  markLinked(streamId: string, throughVersion: number): void {
    const cur = this.linkedThrough.get(streamId);
    if (cur !== undefined && throughVersion > cur) this.linkedThrough.set(streamId, throughVersion);
  }

  streamsToLink(): string[] {
    return [...this.byStream.keys()].filter((s) => this.hasUnlinked(s));
  }

  /** Complete commands whose index record is not known to be written. */
  commandsToIndex(): Array<{ commandId: string; first: FirstAppend }> {
    const out: Array<{ commandId: string; first: FirstAppend }> = [];
    for (const commandId of this.byCommand.keys()) {
      if (this.indexed.has(commandId)) continue;
      const first = this.firstAppend(commandId);
      if (first) out.push({ commandId, first });
    }
    return out;
  }

  markIndexed(commandId: string): void {
    if (this.byCommand.has(commandId)) this.indexed.add(commandId);
  }

  /** Empties the window (after everything in it was rolled forward), handing over what callers may cache. */
  drain(): { versions: Map<string, number>; commands: Map<string, FirstAppend> } {
    const versions = new Map<string, number>();
    for (const [s, list] of this.byStream) versions.set(s, list[list.length - 1].streamVersion);
    const commands = new Map<string, FirstAppend>();
    for (const c of this.byCommand.keys()) {
      const f = this.firstAppend(c);
      if (f) commands.set(c, f);
    }
    this.entries.length = 0;
    this.byStream.clear();
    this.byCommand.clear();
    this.linkedThrough.clear();
    this.indexed.clear();
    return { versions, commands };
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
