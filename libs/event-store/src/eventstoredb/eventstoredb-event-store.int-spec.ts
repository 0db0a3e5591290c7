/**
 * The shared contract against a real EventStoreDB / KurrentDB, when EVENTSTORE_URL names one, e.g.
 * `EVENTSTORE_URL='esdb://localhost:2113?tls=false'` (a single node started with `--insecure`) or a cluster's
 * `kurrentdb+discover://admin:changeit@cluster.local:2113`. Every test gets a fresh namespace, so runs never see
 * each other's streams and nothing has to be deleted.
 */
import { randomUUID } from 'node:crypto';
import type { EventStoreError } from '../errors';
import { CONTRACT_STREAM_KINDS, describeEventStoreContract, type ContractHarness } from '../testing/event-store.contract';
import type { TestClock } from '../testing/test-clock';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

const url = process.env.EVENTSTORE_URL;
const policy = { streamKinds: CONTRACT_STREAM_KINDS };

if (url === undefined || url === '') {
  describe('EventStoreDB adapter against a real server', () => {
    it('is skipped because EVENTSTORE_URL is not set', () => {
      console.info(
        'EventStoreDB contract suite skipped: no server runs on this machine. Set EVENTSTORE_URL ' +
          "(e.g. 'esdb://localhost:2113?tls=false') to run libs/event-store's contract against EventStoreDB/KurrentDB.",
      );
      expect(process.env.EVENTSTORE_URL || undefined).toBeUndefined();
    });
  });
} else {
  describeEventStoreContract('EventStoreDB/KurrentDB (EVENTSTORE_URL)', async (clock: TestClock): Promise<ContractHarness> => {
    const namespace = `contract-${randomUUID()}`;
    const background: EventStoreError[] = [];
    const opened: EventStoreDbEventStore[] = [];
    const open = async () => {
      const s = await EventStoreDbEventStore.open({ connectionString: url, policy, clock, namespace, onBackgroundError: (e) => background.push(e) });
      opened.push(s);
      return s;
    };
    let store = await open();
    return {
      get store() {
        return store;
      },
      densePositions: true,
      reopen: async () => {
        await store.close();
        store = await open();
        return store;
      },
      // A second client connection with its own writer state: to the adapter, another process.
      openSecond: open,
      cleanup: async () => {
        for (const s of opened) await s.close();
        expect(background).toEqual([]);
      },
    };
  });
}
