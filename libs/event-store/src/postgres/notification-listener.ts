import { Client } from 'pg';
import { APPEND_CHANNEL } from './schema';

/**
 * One dedicated connection that LISTENs for appends (this process's own too: the subscriptions skip a head they were
 * handed already). It reconnects after an error (with a capped backoff) and wakes the subscriptions when it does,
 * since notifications sent meanwhile are lost.
 */
export class NotificationListener {
  private client: Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private delayMs = 250;
  private closed = false;

  constructor(
    private readonly connectionString: string,
    private readonly schema: string,
    /** `head`: the head a notification announced; none after a (re)connect, when notifications may have been lost. */
    private readonly wake: (head?: number) => void,
  ) {
    this.connect();
  }

  private connect(): void {
    const client = new Client({ connectionString: this.connectionString, application_name: `ledger-listener:${this.schema}` });
    this.client = client;
    const fail = () => {
      if (this.client !== client) return;
      this.client = undefined;
      client.end().catch(() => undefined);
      if (this.closed) return;
      this.retry = setTimeout(() => {
        this.retry = undefined;
        this.connect();
      }, this.delayMs);
      this.retry.unref();
      this.delayMs = Math.min(this.delayMs * 2, 5_000);
    };
    // Kept for the client's whole life: an 'error' event with no listener would crash the process.
    client.on('error', fail);
    client.on('end', fail);
    const prefix = `${this.schema}:`;
    client.on('notification', (n) => {
      if (n.channel !== APPEND_CHANNEL || !n.payload?.startsWith(prefix)) return;
      const head = Number(n.payload.slice(prefix.length));
      this.wake(Number.isSafeInteger(head) && head > 0 ? head : undefined);
    });
    client
      .connect()
      .then(() => client.query(`LISTEN ${APPEND_CHANNEL}`))
      .then(() => {
        this.delayMs = 250;
        // Anything appended while we were not listening is picked up by the subscriptions' next read.
        this.wake();
      })
      .catch(fail);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
