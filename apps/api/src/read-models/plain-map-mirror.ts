import type { Map as IMap } from 'immutable';
import { ABSENT, mapChanges } from '@ledger/read-store/map-diff';

/**
 * A plain Map kept equal to the latest version of an Immutable Map it is shown: moved from the version it last saw to
 * the one asked about by the entries that differ between them (`mapChanges` walks the two hash tries and skips what
 * they share, so a version a few commands on costs what those commands changed). A lookup in it costs a fraction of a
 * walk of the trie — what a list pays for each task it serves and each partition of the units it covers.
 *
 * Valid until the next `sync`: callers read it within the synchronous turn they synced it in (a query), never across
 * an await.
 */
export class PlainMapMirror<V> {
  private version: IMap<string, V> | undefined;
  private readonly mirror = new Map<string, V>();

  sync(version: IMap<string, V>): ReadonlyMap<string, V> {
    if (version === this.version) return this.mirror;
    if (this.version === undefined) {
      version.forEach((value, key) => void this.mirror.set(key, value));
    } else {
      for (const [key, , after] of mapChanges(this.version, version)) {
        if (after === ABSENT) this.mirror.delete(key);
        else this.mirror.set(key, after);
      }
    }
    this.version = version;
    return this.mirror;
  }
}
