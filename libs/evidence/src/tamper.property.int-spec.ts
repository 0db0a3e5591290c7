import fc from 'fast-check';
import { canonicalize, type JsonObject } from '@ledger/event-store';
import { evidenceFixture, type EvidenceFixture } from './testing/evidence-fixture';
import { standalone } from './testing/run-standalone';
import { verifyEvidence } from './verify-evidence';

/**
 * Property tests: a bundle altered anywhere fails verification, with our verifier and with the standalone one.
 * First any bit of any byte of the file; then targeted alterations that keep the file well-formed canonical JSON
 * (one hex digit, one bit of a decoded signature, one number, one character of a payload type), where the check
 * that fails must be the one about what was altered.
 */

const STANDALONE_RUNS = Number(process.env.EVIDENCE_STANDALONE_RUNS ?? 40);
const failedIds = (report: { checks: readonly { id: string; ok: boolean; params: Record<string, unknown> }[] }) =>
  report.checks.filter((c) => !c.ok).map((c) => (c.params.n !== undefined ? `${c.id}#${String(c.params.n)}` : c.id));

type Bundle = any;
type Mutation = { what: string; apply: (b: Bundle) => void; expect: string[] };

const HEX = '0123456789abcdef';
const otherHex = (c: string, k: number) => HEX[(HEX.indexOf(c) + 1 + (k % 15)) % 16];
const flipHexAt = (hex: string, i: number, k: number) => hex.slice(0, i) + otherHex(hex[i], k) + hex.slice(i + 1);
/** Flips one bit of the bytes a standard base64 string encodes, keeping it canonical base64. */
const flipBase64 = (b64: string, byte: number, bit: number) => {
  const bytes = Buffer.from(b64, 'base64');
  bytes[byte % bytes.length] ^= 1 << bit;
  return bytes.toString('base64');
};
/** Edits a record's parsed event and re-serialises it canonically, as an attacker rewriting the record would. */
const editRecord = (b: Bundle, index: number, change: (e: any) => void) => {
  const event = JSON.parse(b.events[index].record);
  change(event);
  b.events[index].record = canonicalize(event as JsonObject);
};
/** The note's signature line (after the em dash and key name): flip one bit of the signature bytes. */
const flipNoteSignature = (note: string, byte: number, bit: number) =>
  note.replace(/(\n\u2014 \S+ )(\S+)\n$/, (_, head: string, blob: string) => {
    const bytes = Buffer.from(blob, 'base64');
    bytes[4 + (byte % (bytes.length - 4))] ^= 1 << bit;
    return `${head}${bytes.toString('base64')}\n`;
  });

describe('evidence bundle tampering (property)', () => {
  let fx: EvidenceFixture;
  let text: string;
  let bundle: Bundle;
  let signOff: number;

  beforeAll(async () => {
    fx = await evidenceFixture();
    await fx.chronology();
    text = await fx.build();
    bundle = JSON.parse(text);
    signOff = bundle.events.findIndex((e: { record: string }) => JSON.parse(e.record).type === 'SignOffRecorded');
  });
  afterAll(() => fx.store.close());

  const anyFlip = () => fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 }));
  const flipBit = ([at, bit]: [number, number]) => {
    const bytes = Buffer.from(text, 'utf8');
    bytes[at % bytes.length] ^= 1 << bit;
    return bytes.toString('utf8');
  };

  it('fails on a flip of any bit of any byte (our verifier)', () => {
    fc.assert(
      fc.property(anyFlip(), (flip) => {
        expect(verifyEvidence(flipBit(flip)).ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('fails on a flip of any bit of any byte (standalone verifier)', () => {
    fc.assert(
      fc.property(anyFlip(), (flip) => {
        expect(standalone(flipBit(flip)).code).toBe(1);
      }),
      { numRuns: STANDALONE_RUNS },
    );
  });

  /** Targeted alterations of each kind of value, each expected to fail the check that covers it. */
  const mutations = (): fc.Arbitrary<Mutation> => {
    const event = fc.nat();
    const nat = fc.nat();
    const bit = fc.integer({ min: 0, max: 7 });
    return fc.oneof(
      fc.tuple(event, nat, nat).map(([e, i, k]): Mutation => {
        const n = e % bundle.events.length;
        return { what: `leaf of event ${n + 1}`, apply: (b) => (b.events[n].leafHash = flipHexAt(b.events[n].leafHash, i % 64, k)), expect: [`event.leaf#${n + 1}`] };
      }),
      fc.tuple(event, nat, nat, nat).map(([e, p, i, k]): Mutation => {
        const n = e % bundle.events.length;
        const j = p % bundle.events[n].proof.length;
        return { what: `proof element ${j} of event ${n + 1}`, apply: (b) => (b.events[n].proof[j] = flipHexAt(b.events[n].proof[j], i % 64, k)), expect: [`event.proof#${n + 1}`] };
      }),
      fc.tuple(event, fc.boolean(), nat).map(([e, truncate, k]): Mutation => {
        const n = e % bundle.events.length;
        return {
          what: `proof of event ${n + 1} ${truncate ? 'truncated' : 'padded'}`,
          apply: (b) => (truncate ? b.events[n].proof.pop() : b.events[n].proof.push(HEX[k % 16].repeat(64))),
          expect: [`event.proof#${n + 1}`],
        };
      }),
      fc.tuple(nat, nat).map(([i, k]): Mutation => ({ what: 'checkpoint root', apply: (b) => (b.checkpoint.rootHash = flipHexAt(b.checkpoint.rootHash, i % 64, k)), expect: ['checkpoint.signature'] })),
      fc.tuple(nat, bit).map(([i, x]): Mutation => ({
        what: 'root inside the checkpoint note',
        apply: (b) => (b.checkpoint.note = b.checkpoint.note.replace(/^(.*\n\d+\n)(\S+)\n/, (_: string, head: string, root: string) => `${head}${flipBase64(root, i, x)}\n`)),
        expect: ['checkpoint.signature'],
      })),
      fc.tuple(event, fc.integer({ min: 1, max: 1000 })).map(([e, d]): Mutation => {
        const n = e % bundle.events.length;
        return { what: `index (position) of event ${n + 1}`, apply: (b) => (b.events[n].position += d), expect: [`event.record#${n + 1}`] };
      }),
      fc.integer({ min: -50, max: 50 }).filter((d) => d !== 0).map((d): Mutation => ({ what: 'checkpoint size', apply: (b) => (b.checkpoint.size += d), expect: ['checkpoint.signature'] })),
      fc.tuple(nat, bit).map(([i, x]): Mutation => ({ what: 'checkpoint signature', apply: (b) => (b.checkpoint.note = flipNoteSignature(b.checkpoint.note, i, x)), expect: ['checkpoint.signature'] })),
      fc.tuple(nat, bit).map(([i, x]): Mutation => ({
        what: 'sign-off signature',
        apply: (b) => editRecord(b, signOff, (ev) => (ev.data.signature.signatures[0].sig = flipBase64(ev.data.signature.signatures[0].sig, i, x))),
        expect: [`event.leaf#${signOff + 1}`, `envelope#${signOff + 1}`],
      })),
      fc.tuple(nat, fc.integer({ min: 1, max: 25 })).map(([i, d]): Mutation => ({
        what: 'sign-off payload type',
        apply: (b) =>
          editRecord(b, signOff, (ev) => {
            const t: string = ev.data.signature.payloadType;
            const at = i % t.length;
            ev.data.signature.payloadType = t.slice(0, at) + String.fromCharCode(97 + ((t.charCodeAt(at) - 97 + d) % 26 + 26) % 26) + t.slice(at + 1);
          }),
        expect: [`event.leaf#${signOff + 1}`, `envelope#${signOff + 1}`],
      })),
      fc.tuple(nat, bit).map(([i, x]): Mutation => ({ what: 'export signature', apply: (b) => (b.exportSignature.signatures[0].sig = flipBase64(b.exportSignature.signatures[0].sig, i, x)), expect: ['export.signature'] })),
      nat.map((i): Mutation => ({
        what: 'export payload type',
        apply: (b) => {
          const t: string = b.exportSignature.payloadType;
          const at = i % t.length;
          b.exportSignature.payloadType = t.slice(0, at) + (t[at] === 'a' ? 'b' : 'a') + t.slice(at + 1);
        },
        expect: ['export.signature'],
      })),
    );
  };

  const alter = (m: Mutation): string | undefined => {
    const b = JSON.parse(text);
    m.apply(b);
    const altered = canonicalize(b as JsonObject);
    return altered === text ? undefined : altered;
  };

  it('names what was altered: leaf, proof element, root, index, size, signature, payload type (our verifier)', () => {
    fc.assert(
      fc.property(mutations(), (m) => {
        const altered = alter(m);
        fc.pre(altered !== undefined);
        const report = verifyEvidence(altered!);
        expect({ what: m.what, ok: report.ok }).toEqual({ what: m.what, ok: false });
        expect({ what: m.what, failed: failedIds(report) }).toEqual({ what: m.what, failed: expect.arrayContaining([...m.expect, 'export.signature']) });
      }),
      { numRuns: 1000 },
    );
  });

  it('names what was altered (standalone verifier)', () => {
    fc.assert(
      fc.property(mutations(), (m) => {
        const altered = alter(m);
        fc.pre(altered !== undefined);
        const outside = standalone(altered!, '--json');
        expect({ what: m.what, code: outside.code }).toEqual({ what: m.what, code: 1 });
        expect({ what: m.what, failed: failedIds(outside.report!) }).toEqual({ what: m.what, failed: expect.arrayContaining([...m.expect, 'export.signature']) });
      }),
      { numRuns: STANDALONE_RUNS },
    );
  });
});
