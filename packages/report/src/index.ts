export { escapeHtml, REPORT_SCRIPT, renderReportHtml } from './html.js';
export {
  buildReport,
  type CheckRow,
  type Level,
  type OcrRow,
  type ReportInput,
  type ReportMedia,
  type ReportModel,
  type ReportTimestamp,
  type SegmentRow,
  type TimelineEntry,
} from './model.js';
export { type PrepareReportOptions, prepareReport } from './prepare.js';
