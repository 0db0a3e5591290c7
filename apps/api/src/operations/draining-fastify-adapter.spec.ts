import { ServerResponse, IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { FastifyReply } from 'fastify';
import { REPLAYED } from '../shared/command-runner';
import { ledgerHeaders } from '../shared/ledger-headers';
import { PrebuiltJson } from '../shared/prebuilt-json';
import { DrainingFastifyAdapter } from './draining-fastify-adapter';

/** A Fastify reply as Nest's adapter uses it: status, headers, send. */
function fakeReply() {
  const sent: { status?: number; headers: Record<string, string>; body?: unknown } = { headers: {} };
  const reply = {
    status: (code: number) => ((sent.status = code), reply),
    header: (name: string, value: string) => ((sent.headers[name.toLowerCase()] = value), reply),
    getHeader: (name: string) => sent.headers[name.toLowerCase()],
    send: (body: unknown) => ((sent.body = body), reply),
  };
  return { reply: reply as unknown as FastifyReply, sent };
}

describe('DrainingFastifyAdapter.reply with the API headers (beforeReply = ledgerHeaders)', () => {
  const adapter = new DrainingFastifyAdapter(1_000, {}, ledgerHeaders);
  afterAll(() => adapter.close());

  it('given a PrebuiltJson, when replied, then its text goes out with the JSON content type and its version as the ETag', () => {
    const { reply, sent } = fakeReply();
    adapter.reply(reply, new PrebuiltJson('{"taskId":"t-1","version":4}', 4), 200);
    expect(sent).toEqual({ status: 200, headers: { etag: '"4"', 'content-type': 'application/json; charset=utf-8' }, body: '{"taskId":"t-1","version":4}' });
  });

  it('given an object naming a version, when replied, then it goes out as it is with the ETag', () => {
    const { reply, sent } = fakeReply();
    adapter.reply(reply, { id: 'x', version: 2 }, 201);
    expect(sent).toEqual({ status: 201, headers: { etag: '"2"' }, body: { id: 'x', version: 2 } });
  });

  it('given the replayed result of an earlier request, when replied, then Idempotent-Replayed is set', () => {
    const { reply, sent } = fakeReply();
    adapter.reply(reply, { id: 'x', version: 3, [REPLAYED]: true }, 200);
    expect(sent.headers).toEqual({ etag: '"3"', 'idempotent-replayed': 'true' });
  });

  it('given a body without a version, when replied, then no header is added', () => {
    const { reply, sent } = fakeReply();
    adapter.reply(reply, { items: [] }, 200);
    expect(sent).toEqual({ status: 200, headers: {}, body: { items: [] } });
  });

  it('given a raw Node response (no Fastify reply), when replied, then the body is not touched by beforeReply', () => {
    const before = jest.fn(ledgerHeaders);
    const raw = new DrainingFastifyAdapter(1_000, {}, before);
    const res = new ServerResponse(new IncomingMessage(new Socket()));
    const write = jest.spyOn(res, 'end').mockImplementation(() => res);
    raw.reply(res, { version: 1 }, 200);
    expect(before).not.toHaveBeenCalled();
    expect(write).toHaveBeenCalled();
    write.mockRestore();
    return raw.close();
  });

  it('given no beforeReply (the projector), when replied, then the body goes out as returned', () => {
    const plain = new DrainingFastifyAdapter(1_000);
    const { reply, sent } = fakeReply();
    plain.reply(reply, { version: 5 }, 200);
    expect(sent).toEqual({ status: 200, headers: {}, body: { version: 5 } });
    return plain.close();
  });
});
