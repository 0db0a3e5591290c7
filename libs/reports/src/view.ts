import type { Localized, ReportLanguage } from './i18n/language';

/** A unit's (or person's) names as the organisation records them; any may be missing. */
export type Names = { readonly en: string | null; readonly vi: string | null; readonly zh: string | null };

/** A grade of a rule set: its stable id and its labels. */
export type GradeView = { readonly id: string; readonly labels: Localized };

/**
 * What a printed report reflects, so that it can be checked against the log: the position of the last event the
 * read models had folded, and the latest signed checkpoint at that moment (its tree size may be smaller).
 */
export interface LedgerStamp {
  readonly position: number;
  readonly checkpoint: { readonly size: number; readonly rootHash: string; readonly signedAt: string; readonly keyId: string; readonly origin: string } | null;
}

/** The name in `language`, else in another working language, else the id. */
export function nameIn(language: ReportLanguage, names: Names | null | undefined, fallback: string): string {
  if (!names) return fallback;
  return names[language] ?? names.en ?? names.vi ?? names.zh ?? fallback;
}

export function gradeIn(language: ReportLanguage, grade: GradeView | null | undefined): string {
  return grade ? (grade.labels[language] ?? grade.id) : '';
}
