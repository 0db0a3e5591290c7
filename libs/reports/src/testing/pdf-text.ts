import { spawnSync } from 'node:child_process';

/**
 * The text of a PDF as poppler's pdftotext reads it in drawing order (-raw: a table cell's lines stay together) (an independent reader: if it can find the words, so can a
 * person's viewer, and the fonts' Unicode maps are right). CI installs poppler-utils when missing (.ci/run).
 */
export function pdfText(pdf: Buffer): string {
  const run = spawnSync('pdftotext', ['-enc', 'UTF-8', '-raw', '-', '-'], { input: pdf, maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw new Error(`pdftotext is needed to read the PDFs back (apt-get install poppler-utils): ${run.error.message}`);
  if (run.status !== 0) throw new Error(`pdftotext could not read the PDF: ${run.stderr.toString()}`);
  return run.stdout.toString('utf8');
}

/** The fonts a PDF embeds, as pdffonts lists them (name, type, embedded, subset). */
export function pdfFonts(pdf: Buffer): { name: string; embedded: boolean; subset: boolean }[] {
  const run = spawnSync('pdffonts', ['-'], { input: pdf });
  if (run.error || run.status !== 0) throw new Error(`pdffonts could not read the PDF: ${run.error?.message ?? run.stderr.toString()}`);
  return run.stdout
    .toString('utf8')
    .split('\n')
    .slice(2)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const cols = line.trim().split(/\s+/);
      // name … type … encoding emb sub uni object ID
      const [emb, sub] = cols.slice(-5, -3);
      return { name: cols[0], embedded: emb === 'yes', subset: sub === 'yes' };
    });
}
