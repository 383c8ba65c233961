/**
 * `<dualrec-flow>`: the applicant-facing shell over the headless controller. It renders the
 * controller's step views and sends the applicant's taps back with `session.act()`; it holds no
 * flow logic of its own, so a lender who builds another UI gets the same behaviour.
 *
 *   <dualrec-flow locale="zh-CN"></dualrec-flow>
 *   document.querySelector('dualrec-flow').start({ ticketUrl, uploadUrl, assetsBase, script, terms, … })
 *
 * Accessibility: prompts are announced through an aria-live region, every control is a real
 * button/label with a visible focus ring, progress bars carry role=progressbar with their value,
 * focus moves to the heading of each new step.
 */
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import type { SessionEventMap } from '../events.js';
import { CARD_PROBLEM_MESSAGES, type MessageKey, translate, type UiLocale } from '../i18n.js';
import type { SessionOptions } from '../options.js';
import { createSession, type DualrecSession } from '../session.js';
import type { SessionState, StepName } from '../state.js';
import type {
  CardView,
  ConsentView,
  LivenessView,
  RecordingView,
  StepView,
  SupportView,
  WorkView,
} from '../views.js';
import { flowStyles } from './styles.js';

interface ProgressInfo {
  label: MessageKey;
  fraction: number | null;
}

export class DualrecFlowElement extends LitElement {
  static override styles = flowStyles;
  static override properties = {
    locale: { type: String, reflect: true },
    elderMode: { type: Boolean, reflect: true, attribute: 'elder-mode' },
    state: { state: true },
    stepView: { state: true },
    progress: { state: true },
    announcement: { state: true },
    errorInfo: { state: true },
    complete: { state: true },
  };

  declare locale: UiLocale;
  declare elderMode: boolean;
  declare state: SessionState | null;
  declare stepView: StepView | null;
  declare progress: ProgressInfo | null;
  declare announcement: string;
  declare errorInfo: SessionEventMap['error'] | null;
  declare complete: SessionEventMap['complete'] | null;

  private session: DualrecSession | null = null;
  private unsubscribe: (() => void)[] = [];
  private focusHeading = false;

  constructor() {
    super();
    this.locale = 'zh-CN';
    this.elderMode = false;
    this.state = null;
    this.stepView = null;
    this.progress = null;
    this.announcement = '';
    this.errorInfo = null;
    this.complete = null;
  }

  /** The running session (null before start). */
  get currentSession(): DualrecSession | null {
    return this.session;
  }

  /** Creates the session from `options` (locale and elder mode from the element unless given) and starts it. */
  start(options: SessionOptions): DualrecSession {
    this.detach();
    const session = createSession({
      ...options,
      locale: options.locale ?? this.locale,
      elderMode: options.elderMode ?? this.elderMode,
    });
    this.attach(session);
    void session.start();
    return session;
  }

  /** Shows a session created elsewhere (e.g. with custom seams); starts it if it is idle. */
  attach(session: DualrecSession): void {
    this.detach();
    this.session = session;
    this.locale = session.locale;
    this.elderMode = session.elderMode;
    this.state = session.state;
    this.unsubscribe = [
      session.on('state', (state) => {
        this.state = state;
        if (state.status === 'running') this.errorInfo = null;
        this.dispatch('dualrec-state', state);
      }),
      session.on('step', (event) => {
        this.progress = null;
        this.focusHeading = true;
        this.announcement = this.t(`step.${event.step}` as MessageKey);
        this.dispatch('dualrec-step', event);
      }),
      session.on('view', (view) => {
        this.stepView = view;
        if (view.step === 'liveness' || view.step === 'recording') this.updateVideo(view.stream);
      }),
      session.on('progress', (event) => {
        this.progress = { label: event.label, fraction: event.fraction };
        this.dispatch('dualrec-progress', event);
      }),
      session.on('feedback', (event) => {
        this.announcement = event.message;
        this.dispatch('dualrec-feedback', event);
      }),
      session.on('error', (event) => {
        this.errorInfo = event;
        this.announcement = event.message;
        this.dispatch('dualrec-error', event);
      }),
      session.on('recovered', (event) => this.dispatch('dualrec-recovered', event)),
      session.on('complete', (event) => {
        this.complete = event;
        this.announcement = this.t('complete.title');
        this.dispatch('dualrec-complete', event);
      }),
    ];
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Leaving the page's DOM ends the session: the camera must not stay on behind the applicant's back.
    void this.session?.close();
    this.detach();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('locale') && this.session && this.session.locale !== this.locale) {
      this.session.setLocale(this.locale);
    }
    if (changed.has('elderMode') && this.session && this.session.elderMode !== this.elderMode) {
      this.session.setElderMode(this.elderMode);
    }
    if (this.focusHeading) {
      this.focusHeading = false;
      (this.renderRoot.querySelector('h2') as HTMLElement | null)?.focus();
    }
    const view = this.stepView;
    if (view && (view.step === 'liveness' || view.step === 'recording')) this.updateVideo(view.stream);
  }

  private detach(): void {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    this.session = null;
  }

  private dispatch(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  private t(key: MessageKey, values: Record<string, string | number> = {}): string {
    return translate(this.locale, key, values, { elderMode: this.elderMode });
  }

  private updateVideo(stream: MediaStream | null): void {
    const video = this.renderRoot.querySelector('video');
    if (video && video.srcObject !== stream) {
      video.srcObject = stream;
      if (stream) void video.play().catch(() => undefined);
    }
  }

  override render(): TemplateResult {
    const state = this.state;
    const step = state && state.index >= 0 ? (state.steps[state.index] as StepName | undefined) : undefined;
    return html`
      <header>
        <h1>${this.t('app.title')}</h1>
        <div class="toggles">
          <button
            class="chip"
            type="button"
            lang=${this.locale === 'zh-CN' ? 'en' : 'zh-CN'}
            @click=${() => {
              this.locale = this.locale === 'zh-CN' ? 'en' : 'zh-CN';
            }}
          >
            ${this.locale === 'zh-CN' ? 'English' : '中文'}
          </button>
          <button
            class="chip"
            type="button"
            aria-pressed=${this.elderMode ? 'true' : 'false'}
            @click=${() => {
              this.elderMode = !this.elderMode;
            }}
          >
            ${this.locale === 'zh-CN' ? '大字' : 'Large text'}
          </button>
        </div>
        ${
          state && step && state.status !== 'complete'
            ? html`<div class="steps">${this.t('app.progress', { current: state.index + 1, total: state.steps.length })} ·
                ${this.t(`step.${step}` as MessageKey)}</div>`
            : nothing
        }
      </header>
      <div class="sr-only" aria-live="polite" role="status">${this.announcement}</div>
      <main data-step=${step ?? ''} data-phase=${this.phaseOf(step)}>${this.renderBody(step)}</main>
    `;
  }

  /** What the body shows, as an attribute (for the lender's analytics, styling and tests). */
  private phaseOf(step: StepName | undefined): string {
    if (this.complete) return 'complete';
    if (this.state?.status === 'cancelled') return 'cancelled';
    if (this.errorInfo && this.state?.status === 'failed') return 'error';
    const view = this.stepView;
    if (!view || view.step !== step) return 'between';
    return 'phase' in view ? view.phase : 'working';
  }

  private renderBody(step: StepName | undefined): TemplateResult | typeof nothing {
    if (this.complete) return this.renderComplete();
    if (this.state?.status === 'cancelled') return html`<h2 tabindex="-1">${this.t('cancelled.title')}</h2>`;
    const view = this.stepView;
    if (this.errorInfo && this.state?.status === 'failed') return this.renderError(view);
    if (!view || view.step !== step) return this.renderProgress();
    switch (view.step) {
      case 'support':
        return this.renderSupport(view);
      case 'consent':
        return this.renderConsent(view);
      case 'id-front':
      case 'id-back':
        return this.renderCard(view);
      case 'liveness':
        return this.renderLiveness(view);
      case 'recording':
        return this.renderRecording(view);
      case 'seal':
      case 'upload':
        return this.renderWork(view);
    }
  }

  private renderProgress(): TemplateResult | typeof nothing {
    const p = this.progress;
    if (!p) return nothing;
    const text =
      p.fraction === null
        ? this.t(p.label)
        : this.t('loading.percent', { label: this.t(p.label), percent: Math.round(p.fraction * 100) });
    return html`<div class="progress">
      <p class="muted">${text}</p>
      <div
        class="bar ${p.fraction === null ? 'indeterminate' : ''}"
        role="progressbar"
        aria-label=${this.t(p.label)}
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow=${p.fraction === null ? nothing : Math.round(p.fraction * 100)}
      >
        <span style=${styleMap({ width: `${p.fraction === null ? 35 : Math.round(p.fraction * 100)}%` })}></span>
      </div>
    </div>`;
  }

  private renderSupport(view: SupportView): TemplateResult {
    return html`<h2 tabindex="-1">${this.t('step.support')}</h2>
      ${view.phase === 'record-only' ? html`<p>${this.t('support.recordOnly')}</p>` : nothing}
      ${
        view.phase === 'unsupported'
          ? html`<ul>${view.advice.map((a) => html`<li>${a}</li>`)}</ul>`
          : this.renderProgress()
      }`;
  }

  private renderConsent(view: ConsentView): TemplateResult {
    const values = { lender: view.lenderName, retention: view.retention };
    const alternatives = view.alternatives.length
      ? html`<ul>
          ${view.alternatives.map((a) => html`<li>${a.href ? html`<a href=${a.href}>${a.label}</a>` : a.label}</li>`)}
        </ul>`
      : nothing;
    if (view.phase === 'declined') {
      return html`<h2 tabindex="-1">${this.t('consent.title')}</h2>
        <p>${this.t('consent.declined')}</p>
        ${alternatives}`;
    }
    return html`<h2 tabindex="-1">${this.t('consent.title')}</h2>
      <p>${this.t('consent.body', values)}</p>
      <p>${this.t('consent.purpose')}</p>
      <p>${this.t('consent.onDevice', values)}</p>
      <p>${this.t('consent.retention', values)}</p>
      <p class="muted">${this.t('consent.alternative')}</p>
      ${alternatives}
      <div class="actions">
        <button class="primary" type="button" data-action="consent-accept" @click=${() => this.act({ type: 'consent', accepted: true })}>
          ${this.t('consent.accept')}
        </button>
        <button class="secondary" type="button" data-action="consent-decline" @click=${() => this.act({ type: 'consent', accepted: false })}>
          ${this.t('consent.decline')}
        </button>
      </div>`;
  }

  private renderCard(view: CardView): TemplateResult {
    const side = this.t(view.side === 'front' ? 'id.side.front' : 'id.side.back');
    const heading = html`<h2 tabindex="-1">${this.t(view.side === 'front' ? 'step.id-front' : 'step.id-back')}</h2>`;
    const picker = html`<label class="primary" data-action="card-pick">
      ${this.t(view.phase === 'waiting' ? 'id.take' : 'id.retake')}
      <input
        type="file"
        accept="image/jpeg,image/png"
        capture="environment"
        @change=${(e: Event) => {
          const input = e.target as HTMLInputElement;
          const file = input.files?.[0];
          input.value = '';
          if (file) this.act({ type: 'card-image', image: file });
        }}
      />
    </label>`;
    const preview = view.previewUrl
      ? html`<img class="preview" src=${view.previewUrl} alt=${side} />`
      : nothing;
    switch (view.phase) {
      case 'waiting':
        return html`${heading}<p>${this.t('id.instruction', { side })}</p>
          <div class="actions">${picker}</div>`;
      case 'not-found':
        return html`${heading}${preview}<p class="error" role="alert" data-problem=${view.problem ?? 'no-card'}>${this.t(CARD_PROBLEM_MESSAGES[view.problem ?? 'no-card'], { side })}</p>
          <div class="actions">${picker}</div>`;
      case 'loading':
      case 'reading':
        return html`${heading}${preview}${this.renderProgress()}`;
      case 'review':
        return html`${heading}${preview}
          <p>${this.t('id.check')}</p>
          ${view.glareOver.length ? html`<p class="unsure" role="status" data-problem="glare-over-field">${this.t('id.glareOver')}</p>` : nothing}
          <dl class="fields">
            ${view.fields.map(
              (f) => html`<dt>${this.t(f.label)}</dt>
                <dd class=${f.ok ? '' : 'unsure'}>${f.value || '—'}</dd>`,
            )}
          </dl>
          <div class="actions">
            <button class="primary" type="button" data-action="card-confirm" @click=${() => this.act({ type: 'card-confirm' })}>
              ${this.t('id.confirm')}
            </button>
            <button class="secondary" type="button" data-action="card-retake" @click=${() => this.act({ type: 'card-retake' })}>
              ${this.t('id.retake')}
            </button>
          </div>`;
    }
  }

  private renderLiveness(view: LivenessView): TemplateResult {
    return html`<h2 tabindex="-1">${this.t('step.liveness')}</h2>
      <div class="camera">
        <video muted playsinline autoplay aria-hidden="true"></video>
        <div class="oval"></div>
      </div>
      <p class="prompt" data-phase=${view.phase}>${view.prompt}</p>
      ${view.phase === 'loading' ? this.renderProgress() : nothing}`;
  }

  private renderRecording(view: RecordingView): TemplateResult {
    const chars = Array.from(view.text);
    const read = chars.slice(0, view.highlight).join('');
    const rest = chars.slice(view.highlight).join('');
    const label =
      view.phase === 'read-aloud'
        ? this.t('recording.readAloud')
        : view.phase === 'question'
          ? this.t('recording.answer')
          : this.t('recording.listen');
    const seconds = Math.floor(view.elapsedMs / 1000);
    return html`<h2 tabindex="-1">${this.t('step.recording')}</h2>
      <div class="camera small"><video muted playsinline autoplay aria-hidden="true"></video></div>
      <p><span class="rec">${this.t('recording.rec')} ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}</span></p>
      <p class="muted">${this.t('recording.instruction')}</p>
      ${this.renderProgressBar((view.segmentIndex + 1) / Math.max(1, view.segmentCount), `${view.segmentIndex + 1} / ${view.segmentCount}`)}
      <p><strong>${label}</strong></p>
      <div class="teleprompter" data-phase=${view.phase} lang=${this.locale}>${read ? html`<mark>${read}</mark>` : nothing}${rest}</div>
      ${view.hint ? html`<p class="error" role="alert">${view.hint}</p>` : nothing}
      <div class="actions">
        ${
          view.canFinishReading
            ? html`<button class="primary" type="button" data-action="speech-done" @click=${() => this.act({ type: 'speech-done' })}>
                ${this.t('recording.done')}
              </button>`
            : nothing
        }
        ${
          view.awaitingTap
            ? html`<button class="primary" type="button" data-action="speech-confirm" @click=${() => this.act({ type: 'speech-confirm' })}>
                  ${this.t('recording.yes')}
                </button>
                <button class="secondary" type="button" data-action="speech-refuse" @click=${() => this.act({ type: 'speech-refuse' })}>
                  ${this.t('recording.no')}
                </button>`
            : nothing
        }
      </div>`;
  }

  private renderWork(view: WorkView): TemplateResult {
    return html`<h2 tabindex="-1">${this.t(view.step === 'seal' ? 'step.seal' : 'step.upload')}</h2>
      ${view.offline ? html`<p class="error" role="alert">${this.t('upload.offline')}</p>` : nothing}
      ${this.renderProgress()}`;
  }

  private renderProgressBar(fraction: number, text: string): TemplateResult {
    return html`<div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${Math.round(fraction * 100)} aria-valuetext=${text}>
      <span style=${styleMap({ width: `${Math.round(fraction * 100)}%` })}></span>
    </div>`;
  }

  private renderError(view: StepView | null): TemplateResult {
    const error = this.errorInfo as SessionEventMap['error'];
    const declined = error.code === 'SESSION_CONSENT_DECLINED' && view?.step === 'consent';
    return html`<h2 tabindex="-1">${declined ? this.t('consent.title') : this.t('error.title')}</h2>
      ${declined ? this.renderConsent(view as ConsentView) : nothing}
      ${view?.step === 'support' && view.phase === 'unsupported' ? this.renderSupport(view) : nothing}
      <p class="error" role="alert" data-code=${error.code}>${this.session?.t ? translateError(error, this.locale) : error.message}</p>
      <div class="actions">
        ${
          error.retryable
            ? html`<button class="primary" type="button" data-action="retry" @click=${() => this.session?.retry()}>${this.t('action.retry')}</button>`
            : nothing
        }
      </div>`;
  }

  private renderComplete(): TemplateResult {
    const done = this.complete as SessionEventMap['complete'];
    return html`<h2 tabindex="-1">${this.t('complete.title')}</h2>
      <p>${this.t(done.receipt ? 'complete.body' : 'complete.bodyLocal')}</p>
      <p class="muted" data-receipt=${done.receipt?.verdict ?? ''}>
        ${this.t(done.receipt ? 'complete.receipt' : 'complete.fingerprint')}: <code>${done.bundleSha256.slice(0, 16)}</code>
      </p>`;
  }

  private act(action: Parameters<DualrecSession['act']>[0]): void {
    this.session?.act(action);
  }
}

function translateError(error: SessionEventMap['error'], locale: UiLocale): string {
  return error.error.localizedMessage(locale);
}

/** Registers `<dualrec-flow>` (idempotent, so two bundles on one page do not clash). */
export function defineDualrecFlow(tag = 'dualrec-flow'): void {
  if (!customElements.get(tag)) customElements.define(tag, class extends DualrecFlowElement {});
}

declare global {
  interface HTMLElementTagNameMap {
    'dualrec-flow': DualrecFlowElement;
  }
}
