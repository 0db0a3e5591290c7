import { csvField, IMPORT_COLUMNS, type RawRow } from './import-rows';

/**
 * A synthetic history of `rows` rows for tests and the import measurement: a city and its districts (each with a
 * head), then directives of the city, each followed by nine tasks assigned to districts — 2018 to 2023. With
 * `objectives`, every directive also sets an annual objective for one district, with two reported actuals.
 */
export function sampleImportRows(rows: number, options: { objectives?: boolean } = {}): RawRow[] {
  const districts = Math.max(1, Math.min(49, rows - 1));
  const out: RawRow[] = [
    { record: 'unit', id: 'city', date: '2018-01-01', unit_kind: 'city', name_en: 'Sample City', name_zh: '样例市', head_person_id: 'p-mayor', head_name: 'Li Ming', head_post_title: 'Mayor' },
  ];
  for (let d = 1; d <= districts && out.length < rows; d++) {
    out.push({ record: 'unit', id: `d${d}`, date: '2018-01-01', parent_id: 'city', unit_kind: 'district', name_en: `District ${d}`, head_person_id: `p-d${d}-head`, head_name: `Head of district ${d}`, head_post_title: 'District Head' });
  }
  for (let n = 1; out.length < rows; n++) {
    const day = new Date(Date.UTC(2018, 0, 2) + ((n * 7) % 2000) * 86_400_000).toISOString().slice(0, 10);
    const directiveId = `dir-${n}`;
    out.push({
      record: 'directive',
      id: directiveId,
      date: day,
      issuer_unit_id: 'city',
      issuer_person_id: 'p-mayor',
      issuer_name: 'Li Ming',
      issuer_post_title: 'Mayor',
      document_number: `SAMPLE-${n}`,
      directive_kind: 'directive',
      title: `Directive ${n}, "on the work plan"`,
      body: `The districts carry out the tasks below.\nReport monthly.`,
      meeting_name: 'Weekly dispatch meeting',
      meeting_date: day,
    });
    for (let t = 1; t <= 9 && out.length < rows; t++) {
      const deadline = new Date(Date.parse(day) + 30 * 86_400_000).toISOString().slice(0, 10);
      out.push({
        record: 'task',
        id: `${directiveId}-t${t}`,
        date: day,
        directive_id: directiveId,
        title: `Task ${t} of directive ${n}`,
        lead_unit_id: `d${((n + t) % districts) + 1}`,
        co_unit_ids: districts > 1 ? `d${((n + t + 1) % districts) + 1}` : '',
        work: 'Carry out the work, with the list of parcels',
        deadline,
        expected_result: 'Done, with evidence',
      });
    }
    if (options.objectives && out.length < rows) {
      const year = day.slice(0, 4);
      const objectiveId = `${directiveId}-obj`;
      out.push({
        record: 'objective',
        id: objectiveId,
        date: day,
        unit_id: `d${(n % districts) + 1}`,
        directive_id: directiveId,
        year,
        metric: 'Rural roads hardened',
        unit_of_measure: 'km',
        direction: 'higher_is_better',
        target: '120.5',
        baseline: '80',
        weight: '0.2',
        tolerance: '0.05',
        deadline: `${year}-12-31`,
      });
      const reported = new Date(Date.parse(day) + 20 * 86_400_000).toISOString().slice(0, 10);
      for (const [k, period] of ['H1', 'H2'].entries()) {
        if (out.length >= rows || reported.slice(0, 4) !== year) break;
        out.push({ record: 'actual', id: `${objectiveId}-${period.toLowerCase()}`, date: reported, objective_id: objectiveId, period: `${year}-${period}`, as_of: reported, value: String(40 + 30 * k), same_period_last_year: '35', source: 'District statistics office' });
      }
    }
  }
  return out;
}

export function toCsv(rows: readonly RawRow[]): string {
  const lines = rows.map((row) => IMPORT_COLUMNS.map((c) => csvField(row[c] ?? '')).join(','));
  return `${[IMPORT_COLUMNS.join(','), ...lines].join('\n')}\n`;
}
