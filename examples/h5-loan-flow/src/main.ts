/**
 * The lender's H5 page. Everything dualrec needs is the element, one start() call and the lender's
 * own endpoints (here `dualrec serve` on the same origin): /v1/tickets, /v1/uploads/ and the
 * self-hosted assets at /dualrec-assets/.
 */
import type { SessionEventMap, UiLocale } from '@dualrec/sdk';
import '@dualrec/sdk/ui/define';

const PAGE_TEXT: Record<UiLocale, Record<string, string>> = {
  'zh-CN': {
    lender: '示例消费金融',
    product: '个人消费贷款',
    terms: '借款方案',
    amount: '借款金额',
    yuan: '元',
    term: '借款期限',
    months: '个月',
    apr: '年化利率（单利）',
    monthly: '每期还款',
    interest: '利息总额',
    firstDue: '首期还款日',
    notice: '根据监管要求，提交申请前需完成视频双录：身份核验、风险与费用告知及您的确认。',
    elder: '长辈模式（大字、慢速）',
    apply: '同意并开始视频双录',
  },
  en: {
    lender: 'Example Consumer Finance',
    product: 'Personal consumer loan',
    terms: 'Your loan',
    amount: 'Amount',
    yuan: 'CNY',
    term: 'Term',
    months: 'months',
    apr: 'Annual rate (simple)',
    monthly: 'Each instalment',
    interest: 'Total interest',
    firstDue: 'First due date',
    notice:
      'Regulations require a video verification before you apply: identity check, risk and cost disclosure and your confirmation.',
    elder: 'Elder mode (large text, slower speech)',
    apply: 'Agree and start the video verification',
  },
};

const TERMS = {
  amount: '10000',
  apr: '18',
  termMonths: 12,
  installments: 12,
  monthlyPayment: '916.80',
  firstDueDate: '2026-12-15',
  totalInterest: '1001.60',
  totalFees: '0',
  totalCost: '1001.60',
  coolingOffDays: 7,
};

const LENDER = {
  'zh-CN': { name: '示例消费金融有限公司', retention: '自借款结清之日起 5 年' },
  en: { name: 'Example Consumer Finance Co., Ltd.', retention: '5 years after the loan is repaid' },
};

const params = new URLSearchParams(location.search);
let locale: UiLocale = params.get('lang') === 'en' ? 'en' : 'zh-CN';

function applyLocale(): void {
  document.documentElement.lang = locale;
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
    el.textContent = PAGE_TEXT[locale][el.dataset.i18n as string] ?? el.textContent;
  }
  (document.getElementById('lang') as HTMLButtonElement).textContent =
    locale === 'zh-CN' ? 'English' : '中文';
}

const elder = document.getElementById('elder') as HTMLInputElement;
elder.checked = params.get('elder') === '1';
applyLocale();
document.getElementById('lang')?.addEventListener('click', () => {
  locale = locale === 'zh-CN' ? 'en' : 'zh-CN';
  applyLocale();
});

/** Fetched only when the applicant starts: the script is not first-screen content. */
async function loadScript(lang: UiLocale): Promise<unknown> {
  const module =
    lang === 'en'
      ? await import('@dualrec/speech/scripts-examples/consumer-loan.en.json')
      : await import('@dualrec/speech/scripts-examples/consumer-loan.zh-CN.json');
  return module.default;
}

document.getElementById('apply')?.addEventListener('click', async () => {
  const flow = document.getElementById('flow') as HTMLElementTagNameMap['dualrec-flow'];
  const script = await loadScript(locale);
  (document.getElementById('loan') as HTMLElement).hidden = true;
  flow.hidden = false;
  flow.locale = locale;
  flow.elderMode = elder.checked;
  const steps = params.get('steps')?.split(',');
  flow.start({
    ticketUrl: '/v1/tickets',
    uploadUrl: '/v1/uploads/',
    assetsBase: '/dualrec-assets',
    script,
    terms: { ...TERMS, lenderName: LENDER[locale].name },
    applicationRef: `APP-${new Date().toISOString().slice(0, 10)}-${crypto.randomUUID().slice(0, 8)}`,
    lender: {
      ...LENDER[locale],
      alternatives: [
        { label: locale === 'zh-CN' ? '到任一网点人工办理' : 'Apply in person at any branch' },
        {
          label: locale === 'zh-CN' ? '客服热线 400-000-0000' : 'Customer service 400-000-0000',
          href: 'tel:4000000000',
        },
      ],
    },
    ...(steps ? { steps } : {}),
    // ?liveness=passive: no challenges, the passive checks only (the demo's unattended run uses
    // it: a fixture video cannot follow instructions).
    ...(params.get('liveness') === 'passive' ? { liveness: { challenges: [] } } : {}),
  });
  // For the lender's own page logic (and the demo's unattended run): the outcome as data attributes.
  flow.addEventListener('dualrec-state', (e) => {
    document.body.dataset.status = (e as CustomEvent<{ status: string }>).detail.status;
  });
  flow.addEventListener('dualrec-complete', (e) => {
    const detail = (e as CustomEvent<SessionEventMap['complete']>).detail;
    document.body.dataset.bundle = detail.bundleSha256;
    document.body.dataset.verdict = detail.receipt?.verdict ?? '';
  });
  flow.addEventListener('dualrec-error', (e) => {
    document.body.dataset.error = (e as CustomEvent<SessionEventMap['error']>).detail.code;
  });
});
