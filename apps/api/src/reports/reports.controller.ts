import { applyDecorators, Controller, Get, Header, Headers, Inject, Module, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiProduces, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { domainError } from '@ledger/domain';
import type { Clock } from '@ledger/event-store';
import {
  appraisalReportCsv,
  appraisalReportPdf,
  appraisalReportXlsx,
  csvBytes,
  inspectionNoticePdf,
  inspectionNoticeXlsx,
  REPORT_LANGUAGES,
  type LedgerStamp,
  type ReportLanguage,
} from '@ledger/reports';
import { AuditedRead } from '../audit/audited-read';
import { LedgerCheckpoints } from '../audit/ledger-checkpoints.service';
import type { AuthenticatedActor } from '../auth/authenticated-actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { CLOCK } from '../infrastructure/ledger-store.module';
import { QueryContext } from '../read-models/queries';
import { ApiErrorDto } from '../shared/api-docs';
import { API_CONFIG, type ApiConfig } from '../shared/api-config';
import { preferredLanguage } from '../shared/language';
import { EXPORTS, exportHeader, exportRows, type ExportKind } from './ledger-export';
import { reportError } from './report-errors';
import { appraisalReportView, canReadInspection, inspectionNoticeView, inspectionOffice, inspectionsWithNotice, type ReportContext } from './report-views';

export class ReportLanguageQueryDto {
  @ApiPropertyOptional({ enum: REPORT_LANGUAGES, example: 'vi', description: 'Language of the labels, dates and numbers; default: the best of Accept-Language.' })
  @IsOptional()
  @IsIn(REPORT_LANGUAGES)
  lang?: ReportLanguage;
}

const MEDIA = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
} as const;
type Format = keyof typeof MEDIA;

/** `name.ext` → its name and format, refusing a format the report does not come in (400, field `format`). */
function splitFile<F extends Format>(file: string, formats: readonly F[]): { name: string; format: F } {
  const dot = file.lastIndexOf('.');
  const format = (dot > 0 ? file.slice(dot + 1) : '') as F;
  if (!formats.includes(format)) throw reportError('REPORT.FORMAT_UNSUPPORTED', { formats: formats.map((f) => `.${f}`).join(', '), value: dot > 0 ? file.slice(dot) : file }, 'format');
  return { name: file.slice(0, dot), format };
}

function download(bytes: Buffer, format: Format, filename: string): StreamableFile {
  const ascii = filename.replace(/[^A-Za-z0-9._-]/g, '_');
  return new StreamableFile(bytes, {
    type: MEDIA[format],
    length: bytes.length,
    disposition: `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
  });
}

const ERROR_RESPONSES = {
  400: ApiResponse({ status: 400, description: 'A format the report does not come in, a bad year or language.', type: ApiErrorDto, example: { code: 'REPORT.FORMAT_UNSUPPORTED', message: 'This report is served as .pdf, .xlsx, .csv; got ".doc".', fields: [{ field: 'format', reason: 'This report is served as .pdf, .xlsx, .csv; got ".doc".' }] } }),
  401: ApiResponse({ status: 401, description: 'No bearer token, or an unknown, expired or revoked one.', type: ApiErrorDto }),
  403: ApiResponse({ status: 403, description: 'The record is outside the caller\'s read scope.', type: ApiErrorDto, example: { code: 'AUTH.OUT_OF_SCOPE', message: 'Unit city is outside your scope (unit zh).', fields: [] } }),
  404: ApiResponse({ status: 404, description: 'No such record.', type: ApiErrorDto }),
};
const ReportErrors = (...statuses: Array<keyof typeof ERROR_RESPONSES>) => applyDecorators(...statuses.map((status) => ERROR_RESPONSES[status]));

/**
 * Printable reports (PDF, XLSX, CSV) and CSV exports in the import format. Each is read from one snapshot of the
 * read models, scoped like the JSON endpoint of the same records, stamped with the ledger position and the latest
 * signed checkpoint it reflects, and recorded as `AuditDataViewed` before it is sent.
 */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1')
export class ReportsController {
  constructor(
    private readonly context: QueryContext,
    private readonly checkpoints: LedgerCheckpoints,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  private async reportContext(actor: AuthenticatedActor) {
    const { models, scope } = this.context.for(actor);
    const log = this.checkpoints.checkpointer.log;
    await log.refresh();
    const latest = log.latest();
    const ledger: LedgerStamp = {
      position: models.position,
      checkpoint: latest ? { size: latest.size, rootHash: latest.rootHash, signedAt: latest.signedAt, keyId: latest.keyId, origin: latest.origin } : null,
    };
    const ctx: ReportContext = { models, scope, ledger, generatedAt: this.clock.now().toISOString(), timeZoneOffset: this.config.timeZoneOffset };
    return ctx;
  }

  @Get('reports/appraisal/:year/:file')
  @Header('Cache-Control', 'no-store')
  @AuditedRead({ resource: 'report', subject: (req) => ({ report: 'appraisal', year: String(req.params.year), file: String(req.params.file), lang: String(req.query.lang ?? '') }) })
  @ApiOperation({
    summary: 'Annual appraisal report of a peer group, as PDF, XLSX or CSV (read scope of the cycle)',
    description:
      '`file` is `<peerGroup>.pdf`, `.xlsx` or `.csv`. Per unit: tasks by timeliness with rates, objectives by outcome, inspection findings, score, proposed and final grade; the heads in post with their grade; every moderation move with its reason; the rule set; and the ledger position and latest signed checkpoint it reflects. Units outside the caller\'s read scope show their grades only.',
  })
  @ApiParam({ name: 'year', example: '2019' })
  @ApiParam({ name: 'file', example: 'districts.pdf' })
  @ApiProduces(MEDIA.pdf, MEDIA.xlsx, MEDIA.csv)
  @ApiResponse({ status: 200, description: 'The report file (Content-Disposition: attachment).' })
  @ReportErrors(400, 401, 403, 404)
  async appraisal(@CurrentActor() actor: AuthenticatedActor, @Param('year') year: string, @Param('file') file: string, @Query() query: ReportLanguageQueryDto, @Headers('accept-language') acceptLanguage?: string): Promise<StreamableFile> {
    const { name: peerGroup, format } = splitFile(file, ['pdf', 'xlsx', 'csv'] as const);
    if (!/^\d{4}$/.test(year)) throw reportError('REPORT.YEAR_INVALID', { value: year }, 'year');
    const language = query.lang ?? preferredLanguage(acceptLanguage);
    const ctx = await this.reportContext(actor);
    const cycleId = `${year}-${peerGroup}`;
    const cycle = ctx.models.appraisalCycles.get(cycleId);
    if (cycle === undefined) throw domainError('APPRAISAL.NOT_FOUND', { cycle: cycleId });
    const { record } = cycle;
    ctx.scope.require(ctx.scope.unit(record.ownerUnitId) || record.unitIds.some((unitId) => ctx.scope.unit(unitId)), record.ownerUnitId);
    const view = appraisalReportView(ctx, cycle);
    const bytes = format === 'pdf' ? await appraisalReportPdf(view, language) : format === 'xlsx' ? await appraisalReportXlsx(view, language) : appraisalReportCsv(view, language);
    return download(bytes, format, `appraisal-${cycleId}-${language}.${format}`);
  }

  @Get('reports/inspection-notices/:file')
  @Header('Cache-Control', 'no-store')
  @AuditedRead({ resource: 'report', subject: (req) => ({ report: 'inspection-notice', file: String(req.params.file), lang: String(req.query.lang ?? '') }) })
  @ApiOperation({
    summary: 'An inspection notice (通报), as PDF or XLSX (read scope of the inspection)',
    description:
      '`file` is `<noticeId>.pdf` or `.xlsx`; when several inspections used the same notice id, `<inspectionId>:<noticeId>.pdf` (409 says which). The document number, the findings the notice publishes, the rectification ordered on them, and the NoticePublished event and ledger position it reflects.',
  })
  @ApiParam({ name: 'file', example: 'n-2019-10.pdf' })
  @ApiProduces(MEDIA.pdf, MEDIA.xlsx)
  @ApiResponse({ status: 200, description: 'The notice file (Content-Disposition: attachment).' })
  @ApiResponse({ status: 409, description: 'The notice id is used by several inspections.', type: ApiErrorDto })
  @ReportErrors(400, 401, 403, 404)
  async inspectionNotice(@CurrentActor() actor: AuthenticatedActor, @Param('file') file: string, @Query() query: ReportLanguageQueryDto, @Headers('accept-language') acceptLanguage?: string): Promise<StreamableFile> {
    const { name: reference, format } = splitFile(file, ['pdf', 'xlsx'] as const);
    const language = query.lang ?? preferredLanguage(acceptLanguage);
    const ctx = await this.reportContext(actor);
    const found = inspectionsWithNotice(ctx.models, reference);
    if (found.length === 0) throw reportError('REPORT.NOTICE_NOT_FOUND', { notice: reference });
    const readable = found.filter(({ view }) => canReadInspection(ctx.scope, view));
    if (readable.length === 0) ctx.scope.require(false, inspectionOffice(found[0].view));
    if (readable.length > 1) throw reportError('REPORT.NOTICE_AMBIGUOUS', { notice: reference, candidates: readable.map(({ view, noticeId }) => `${view.id}:${noticeId}`).join(', ') });
    const [{ view, noticeId }] = readable;
    const report = inspectionNoticeView(ctx, view, noticeId);
    const bytes = format === 'pdf' ? await inspectionNoticePdf(report, language) : await inspectionNoticeXlsx(report, language);
    return download(bytes, format, `notice-${view.id}-${noticeId}-${language}.${format}`);
  }

  @Get('exports/:file')
  @Header('Cache-Control', 'no-store')
  @AuditedRead({ resource: 'export', subject: (req) => ({ file: String(req.params.file) }) })
  @ApiOperation({
    summary: 'Units, directives or tasks as CSV in the `ledger import` format (the caller\'s read scope)',
    description:
      '`file` is `units.csv`, `directives.csv` or `tasks.csv`. The columns are those of `ledger import`, in its order, so the three files imported in that order into an empty ledger export again byte for byte. UTF-8 with a byte order mark, CRLF, RFC 4180 quoting.',
  })
  @ApiParam({ name: 'file', example: 'tasks.csv' })
  @ApiProduces(MEDIA.csv)
  @ApiResponse({ status: 200, description: 'The CSV file (Content-Disposition: attachment).' })
  @ReportErrors(400, 401, 404)
  exportCsv(@CurrentActor() actor: AuthenticatedActor, @Param('file') file: string): StreamableFile {
    const dot = file.lastIndexOf('.');
    const kind = (dot > 0 ? file.slice(0, dot) : file) as ExportKind;
    if (!EXPORTS.includes(kind)) throw reportError('REPORT.EXPORT_UNKNOWN', { value: file });
    splitFile(file, ['csv'] as const);
    const { models, scope } = this.context.for(actor);
    return download(csvBytes(exportHeader(), exportRows(kind, models, scope)), 'csv', `${kind}.csv`);
  }
}

@Module({ controllers: [ReportsController], providers: [QueryContext] })
export class ReportsModule {}
