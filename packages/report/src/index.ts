export { CJK_FONTS, escapeHtml, REPORT_SCRIPT, renderReportHtml } from './html.js';
export {
  checkReportMessages,
  formatInstant,
  formatUtcOffset,
  isReportLocale,
  REPORT_LOCALES,
  REPORT_MESSAGES,
  type ReportLocale,
  type ReportMessageKey,
  type ReportMessageOverrides,
  type ReportTranslator,
  reportTranslator,
  resolveTimeZone,
  type TermKind,
  translateReport,
} from './i18n.js';
export {
  buildReport,
  type CheckRow,
  type Level,
  type OcrRow,
  type ReasonRow,
  type ReportInput,
  type ReportMedia,
  type ReportModel,
  type ReportOptions,
  type ReportTimestamp,
  type SegmentRow,
  type TimelineEntry,
} from './model.js';
export { bundleLocale, type PrepareReportOptions, prepareReport, renderReport } from './prepare.js';
