/**
 * The lender's own wording for the console and the report it shows: any key of
 * @dualrec/report's REPORT_MESSAGES, per locale, with the same {placeholders} (checked when the
 * console starts). Empty: the catalogue's wording. Example:
 *
 *   export const LENDER_MESSAGES = { 'zh-CN': { 'console.title': '示例消费金融 · 双录审计' } };
 */
import type { ReportMessageOverrides } from '@dualrec/report';

export const LENDER_MESSAGES: ReportMessageOverrides = {};
