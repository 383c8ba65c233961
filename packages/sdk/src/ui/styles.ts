import { css } from 'lit';

/**
 * Mobile-first styles. Themable with CSS custom properties on the element:
 *   --dualrec-primary, --dualrec-on-primary, --dualrec-bg, --dualrec-fg, --dualrec-muted,
 *   --dualrec-danger, --dualrec-radius, --dualrec-font, --dualrec-font-size.
 * Default colours meet WCAG AA contrast (4.5:1) for text on their backgrounds.
 */
export const flowStyles = css`
  :host {
    --_primary: var(--dualrec-primary, #0b57d0);
    --_on-primary: var(--dualrec-on-primary, #ffffff);
    --_bg: var(--dualrec-bg, #ffffff);
    --_fg: var(--dualrec-fg, #1b1b1f);
    --_muted: var(--dualrec-muted, #4a4a55);
    --_danger: var(--dualrec-danger, #b3261e);
    --_radius: var(--dualrec-radius, 12px);
    --_size: var(--dualrec-font-size, 16px);
    display: block;
    box-sizing: border-box;
    max-width: 640px;
    margin: 0 auto;
    min-height: 100%;
    padding: 12px 16px calc(16px + env(safe-area-inset-bottom));
    background: var(--_bg);
    color: var(--_fg);
    font-family: var(--dualrec-font, system-ui, -apple-system, 'PingFang SC', 'Noto Sans CJK SC', sans-serif);
    font-size: var(--_size);
    line-height: 1.6;
    overflow-wrap: anywhere;
  }
  :host([elder-mode]) {
    --_size: var(--dualrec-font-size, 21px);
    line-height: 1.7;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  header {
    display: flex;
    align-items: center;
    gap: 8px;
    flex-wrap: wrap;
    margin-bottom: 8px;
  }
  header h1 {
    font-size: 1.15em;
    margin: 0;
    flex: 1 1 auto;
  }
  .steps {
    color: var(--_muted);
    font-size: 0.85em;
    width: 100%;
  }
  .toggles {
    display: flex;
    gap: 6px;
  }
  .chip {
    /* 44 px: the smallest comfortable touch target (WCAG 2.5.5, Apple HIG). */
    min-height: 44px;
    min-width: 44px;
    border-radius: 22px;
    border: 1px solid var(--_muted);
    background: transparent;
    color: var(--_fg);
    font: inherit;
    font-size: 0.8em;
    padding: 0 10px;
  }
  .chip[aria-pressed='true'] {
    background: var(--_fg);
    color: var(--_bg);
  }
  h2 {
    font-size: 1.2em;
    margin: 12px 0 8px;
  }
  p {
    margin: 0 0 10px;
  }
  .muted {
    color: var(--_muted);
  }
  .actions {
    display: flex;
    flex-direction: column;
    gap: 10px;
    margin-top: 16px;
  }
  button.primary,
  button.secondary,
  label.primary {
    display: flex;
    align-items: center;
    justify-content: center;
    width: 100%;
    min-height: 52px;
    padding: 10px 16px;
    border-radius: var(--_radius);
    font: inherit;
    font-weight: 600;
    text-align: center;
    cursor: pointer;
  }
  button.primary,
  label.primary {
    background: var(--_primary);
    color: var(--_on-primary);
    border: 0;
  }
  button.secondary {
    background: transparent;
    color: var(--_primary);
    border: 2px solid var(--_primary);
  }
  button:focus-visible,
  label.primary:focus-within,
  .chip:focus-visible {
    outline: 3px solid var(--_fg);
    outline-offset: 2px;
  }
  input[type='file'] {
    position: absolute;
    width: 1px;
    height: 1px;
    opacity: 0;
  }
  .camera {
    position: relative;
    width: 100%;
    max-width: 420px;
    margin: 0 auto;
    aspect-ratio: 3 / 4;
    border-radius: var(--_radius);
    overflow: hidden;
    background: #000;
  }
  .camera.small {
    max-width: 160px;
    float: right;
    margin: 0 0 8px 12px;
  }
  .camera video {
    width: 100%;
    height: 100%;
    object-fit: cover;
    transform: scaleX(-1);
  }
  .oval {
    position: absolute;
    left: 18%;
    right: 18%;
    top: 12%;
    bottom: 16%;
    border-radius: 50%;
    box-shadow: 0 0 0 999px rgba(0, 0, 0, 0.45);
    border: 3px solid #ffffff;
  }
  .prompt {
    font-size: 1.15em;
    font-weight: 600;
    text-align: center;
    margin: 12px 0;
    min-height: 2.4em;
  }
  .rec {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    color: var(--_danger);
    font-weight: 600;
  }
  .rec::before {
    content: '';
    width: 10px;
    height: 10px;
    border-radius: 50%;
    background: var(--_danger);
  }
  .teleprompter {
    clear: both;
    font-size: 1.2em;
    line-height: 1.8;
    padding: 12px;
    border-radius: var(--_radius);
    background: color-mix(in srgb, var(--_primary) 7%, var(--_bg));
  }
  .teleprompter mark {
    background: color-mix(in srgb, var(--_primary) 28%, var(--_bg));
    color: inherit;
  }
  .progress {
    margin: 12px 0;
  }
  .bar {
    height: 8px;
    border-radius: 4px;
    background: color-mix(in srgb, var(--_muted) 25%, var(--_bg));
    overflow: hidden;
  }
  .bar > span {
    display: block;
    height: 100%;
    background: var(--_primary);
    transition: width 0.2s;
  }
  .bar.indeterminate > span {
    width: 35%;
    animation: slide 1.2s infinite ease-in-out;
  }
  @keyframes slide {
    from {
      transform: translateX(-100%);
    }
    to {
      transform: translateX(300%);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .bar.indeterminate > span {
      animation: none;
      width: 100%;
      opacity: 0.5;
    }
  }
  dl.fields {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 6px 12px;
    margin: 8px 0;
  }
  dl.fields dt {
    color: var(--_muted);
  }
  dl.fields dd {
    margin: 0;
    font-weight: 600;
  }
  dl.fields dd.unsure::after {
    content: ' ⚠';
    color: var(--_danger);
  }
  img.preview {
    display: block;
    width: 100%;
    max-height: 40vh;
    object-fit: contain;
    border-radius: var(--_radius);
    background: #f0f0f0;
  }
  .error {
    border-left: 4px solid var(--_danger);
    padding: 8px 12px;
    background: color-mix(in srgb, var(--_danger) 8%, var(--_bg));
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  ul {
    padding-left: 1.2em;
  }
  a {
    color: var(--_primary);
  }
`;
