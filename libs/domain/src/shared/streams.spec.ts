import fc from 'fast-check';
import { DomainError } from './domain-error';
import {
  auditStreamId,
  checkpointStreamId,
  directiveStreamId,
  documentNumberSlug,
  documentNumberStreamId,
  isDocumentNumber,
  isStreamId,
  MAX_STREAM_ID_LENGTH,
  parseStreamId,
  signOffStreamId,
  STREAM_KINDS,
  streamIds,
  taskStreamId,
  unitStreamId,
  userStreamId,
} from './streams';

const unitIds = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/);
const years = fc.integer({ min: 1000, max: 9999 });
const realisticNumbers = fc
  .tuple(
    fc.constantFrom('', 'DEMO-', 'Số '),
    fc.integer({ min: 1, max: 9999 }),
    fc.constantFrom('-TB/KL', '-KH/QU', '/QĐ-UBND', '-CV', '衡督〔2018〕', '号', '-kh/qu'),
  )
  .map(([prefix, n, suffix]) => `${prefix}${n}${suffix}`);
const documentNumbers = fc
  .oneof(
    realisticNumbers,
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }),
  )
  .filter(isDocumentNumber);

describe('documentNumberStreamId', () => {
  it('keeps the readable rule and the hash stable across releases (pinned vectors)', () => {
    // Hashes computed independently: sha256(NFC number).hex.slice(0, 16).
    expect(documentNumberStreamId('city', 2018, '2116-TB/KL')).toBe('docno-city-2018-2116-tb-kl-bbb01a18f4dd387b');
    expect(documentNumberStreamId('qu', 2018, '17-KH/QU')).toBe('docno-qu-2018-17-kh-qu-fee1920610185f62');
    expect(documentNumberStreamId('city', 2018, 'DEMO-衡督〔2018〕1号')).toBe('docno-city-2018-demo-2018-1-edc3b5fe588f891d');
    expect(documentNumberStreamId('city', 2018, '衡督〔2018〕1号')).toBe('docno-city-2018-2018-1-cb60dd7e7b794e4a');
    // An all-CJK number has an empty slug, left out with its hyphen.
    expect(documentNumberStreamId('city', 2018, '衡督通知')).toBe('docno-city-2018-691c5ac43d29f373');
  });

  it('keeps numbers that differ only in case apart, although their slugs are equal', () => {
    expect(documentNumberStreamId('qu', 2018, '17-kh/qu')).toBe('docno-qu-2018-17-kh-qu-9002864c6da9e8c9');
    expect(documentNumberStreamId('qu', 2018, '17-kh/qu')).not.toBe(documentNumberStreamId('qu', 2018, '17-KH/QU'));
  });

  it('folds Vietnamese letters into the slug', () => {
    expect(documentNumberSlug('Số 12/QĐ-UBND')).toBe('so-12-qd-ubnd');
    expect(documentNumberSlug('Ｎｏ．１２')).toBe('no-12');
  });

  it('refuses numbers that are blank, padded, too long, or hold invisible or broken characters', () => {
    for (const bad of ['', ' ', ' 17-KH/QU', '17-KH/QU ', '17\n', 'a\u200bb', 'a\u0000b', '\ud800abc', 'x'.repeat(101)]) {
      expect(() => documentNumberStreamId('city', 2018, bad)).toThrow(expect.objectContaining({ code: 'DOCNO.NUMBER_INVALID' }));
    }
    expect(documentNumberStreamId('city', 2018, '衡'.repeat(100))).toMatch(/^docno-city-2018-[0-9a-f]{16}$/);
  });

  it('refuses a malformed issuer or year', () => {
    expect(() => documentNumberStreamId('City', 2018, '1')).toThrow(expect.objectContaining({ code: 'COMMON.ID_INVALID' }));
    expect(() => documentNumberStreamId('city', 18, '1')).toThrow(expect.objectContaining({ code: 'DOCNO.YEAR_INVALID' }));
    expect(() => documentNumberStreamId('city', 2018.5, '1')).toThrow(expect.objectContaining({ code: 'DOCNO.YEAR_INVALID' }));
  });

  it('property: always a valid docno stream id of [a-z0-9-], naming issuer and year, ending in the hash', () => {
    fc.assert(
      fc.property(unitIds, years, documentNumbers, (unit, year, number) => {
        const id = documentNumberStreamId(unit, year, number);
        expect(isStreamId(id)).toBe(true);
        expect(parseStreamId(id)?.kind).toBe('docno');
        expect(id).toMatch(/^[a-z0-9-]+$/);
        expect(id.startsWith(`docno-${unit}-${year}-`)).toBe(true);
        expect(id).toMatch(/-[0-9a-f]{16}$/);
        expect(id.length).toBeLessThanOrEqual(MAX_STREAM_ID_LENGTH);
      }),
      { numRuns: 500 },
    );
  });

  it('property: distinct NFC numbers of one issuer and year get distinct streams', () => {
    fc.assert(
      fc.property(
        unitIds,
        years,
        fc.uniqueArray(documentNumbers, { selector: (number) => number.normalize('NFC'), minLength: 2, maxLength: 60 }),
        (unit, year, numbers) => {
          const ids = numbers.map((number) => documentNumberStreamId(unit, year, number));
          expect(new Set(ids).size).toBe(numbers.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: distinct (issuer, year, number) triples get distinct streams', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(unitIds, years, documentNumbers), {
          selector: ([unit, year, number]) => JSON.stringify([unit, year, number.normalize('NFC')]),
          minLength: 2,
          maxLength: 60,
        }),
        (triples) => {
          const ids = triples.map(([unit, year, number]) => documentNumberStreamId(unit, year, number));
          expect(new Set(ids).size).toBe(triples.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: stable, and the same for canonically equivalent spellings (NFC / NFD)', () => {
    fc.assert(
      fc.property(unitIds, years, documentNumbers, (unit, year, number) => {
        const id = documentNumberStreamId(unit, year, number);
        expect(documentNumberStreamId(unit, year, number)).toBe(id);
        expect(documentNumberStreamId(unit, year, number.normalize('NFD'))).toBe(id);
        expect(documentNumberStreamId(unit, year, number.normalize('NFC'))).toBe(id);
      }),
      { numRuns: 500 },
    );
  });

  it('property: any input gives either a valid stream id or a DomainError, nothing else', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer(), fc.string({ unit: 'binary' }), (unit, year, number) => {
        try {
          expect(isStreamId(documentNumberStreamId(unit, year, number))).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(DomainError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('stream ids', () => {
  it('builds <kind>-<id> for every kind', () => {
    expect([unitStreamId('zh'), directiveStreamId('d-2018-1'), taskStreamId('t4-zh'), signOffStreamId('so-1'), userStreamId('u-1')]).toEqual([
      'unit-zh',
      'directive-d-2018-1',
      'task-t4-zh',
      'signoff-so-1',
      'user-u-1',
    ]);
    expect(Object.keys(streamIds).sort()).toEqual([...STREAM_KINDS].sort());
    expect(streamIds.docno('city', 2018, '2116-TB/KL')).toBe(documentNumberStreamId('city', 2018, '2116-TB/KL'));
  });

  it('refuses ids that would make an unsafe stream id', () => {
    for (const bad of ['', 'Zh', 'zh ', '-zh', 'zh-', 'zh_1', 'z'.repeat(65), 'zh/1']) {
      expect(() => taskStreamId(bad)).toThrow(expect.objectContaining({ code: 'COMMON.ID_INVALID' }));
    }
  });

  it('parses the kind at the first hyphen', () => {
    expect(parseStreamId('task-t4-zh')).toEqual({ kind: 'task', id: 't4-zh' });
    expect(parseStreamId('objective-2018-zh')).toEqual({ kind: 'objective', id: '2018-zh' });
    for (const bad of ['task', 'task-', '-t4', 'Task-t4', 'task-T4', 'task-t4 ', `task-${'a'.repeat(200)}`]) {
      expect(parseStreamId(bad)).toBeNull();
      expect(isStreamId(bad)).toBe(false);
    }
  });
});

describe('audit and checkpoint streams', () => {
  it('names a reader’s audit stream by their id, hashing ids that are not entity ids', () => {
    expect(auditStreamId('p-auditor')).toBe('audit-p-auditor');
    expect(auditStreamId('cli:root')).toMatch(/^audit-h-[0-9a-f]{32}$/);
    expect(auditStreamId('cli:root')).toBe(auditStreamId('cli:root'));
    expect(auditStreamId('cli:root')).not.toBe(auditStreamId('cli:admin'));
    for (const id of ['p-auditor', 'cli:root', 'Zhang San', 'x'.repeat(200)]) expect(parseStreamId(auditStreamId(id))?.kind).toBe('audit');
  });

  it('keeps the one checkpoint stream the event store writes', () => {
    expect(checkpointStreamId()).toBe('checkpoint-ledger');
    expect(STREAM_KINDS).toEqual(expect.arrayContaining(['checkpoint', 'audit']));
  });
});
