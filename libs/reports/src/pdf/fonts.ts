import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The fonts every PDF embeds (pdfkit subsets them: only the glyphs used are written). They come from npm, so a
 * newcomer's `npm ci` is all it takes — no system font package:
 * - Noto Sans (`@embedpdf/fonts-latin`, SIL OFL 1.1): Latin with every Vietnamese diacritic;
 * - Noto Sans Hans, i.e. Noto Sans CJK SC (`@embedpdf/fonts-sc`, SIL OFL 1.1): Chinese, and Latin and Vietnamese too.
 * English and Vietnamese text is set in Noto Sans, Chinese reports and any text holding Han characters in Noto
 * Sans Hans (a grade such as 称职 in an English report, a Chinese unit name in a Vietnamese one).
 */
export type FontFace = 'regular' | 'bold';
export type FontFamily = 'latin' | 'cjk';

const FILES: Record<FontFamily, { package: string; regular: string; bold: string }> = {
  latin: { package: '@embedpdf/fonts-latin', regular: 'NotoSans-Regular.ttf', bold: 'NotoSans-Bold.ttf' },
  cjk: { package: '@embedpdf/fonts-sc', regular: 'NotoSansHans-Regular.otf', bold: 'NotoSansHans-Bold.otf' },
};

export class ReportFontsMissingError extends Error {
  constructor(detail: string) {
    super(`The report fonts are not installed (${detail}). They come with the npm dependencies @embedpdf/fonts-latin and @embedpdf/fonts-sc: run npm ci (or npm install).`);
    this.name = 'ReportFontsMissingError';
  }
}

const cache = new Map<string, Buffer>();

/** The bytes of a font file, read once per process. */
export function fontBytes(family: FontFamily, face: FontFace): Buffer {
  const key = `${family}/${face}`;
  const known = cache.get(key);
  if (known) return known;
  const spec = FILES[family];
  let path: string;
  try {
    // The packages export only their JS entry; the fonts sit in ../fonts beside dist/.
    path = join(dirname(require.resolve(spec.package)), '..', 'fonts', spec[face]);
  } catch (error) {
    throw new ReportFontsMissingError(`${spec.package}: ${(error as Error).message.split('\n')[0]}`);
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new ReportFontsMissingError(`${path}: ${(error as Error).message}`);
  }
  cache.set(key, bytes);
  return bytes;
}

/** Han ideographs, CJK punctuation, fullwidth forms and the like: what Noto Sans (Latin) has no glyph for. */
const CJK = /[\p{Script=Han}\p{Script=Bopomofo}\u3000-\u303f\uff00-\uffef\u2e80-\u2fdf\u31c0-\u31ef]/u;

export function needsCjk(text: string): boolean {
  return CJK.test(text);
}
