import type { Formatter } from './i18n/language';
import { label } from './i18n/labels';
import type { ReportTable } from './table';
import type { LedgerStamp } from './view';

/** The ledger position and latest signed checkpoint a report reflects, as label–value lines. */
export function ledgerFields(stamp: LedgerStamp, format: Formatter): Array<[string, string]> {
  const t = (key: Parameters<typeof label>[1]) => label(format.language, key);
  const rows: Array<[string, string]> = [[t('ledgerPosition'), String(stamp.position)]];
  const checkpoint = stamp.checkpoint;
  if (checkpoint === null) return [...rows, [t('checkpoint'), t('noCheckpoint')]];
  return [
    ...rows,
    [`${t('checkpoint')}: ${t('checkpointSize')}`, String(checkpoint.size)],
    [t('rootHash'), checkpoint.rootHash],
    [t('signedAt'), format.instant(checkpoint.signedAt)],
    [t('keyId'), `${checkpoint.keyId} (${checkpoint.origin})`],
  ];
}

/** Label–value lines as a two-column sheet. */
export function infoTable(format: Formatter, sheet: string, rows: ReadonlyArray<readonly [string, string]>): ReportTable {
  const t = (key: Parameters<typeof label>[1]) => label(format.language, key);
  return { sheet, title: sheet, columns: [{ header: t('field'), width: 30 }, { header: t('value'), width: 60 }], rows: rows.map(([name, value]) => [name, value]) };
}
