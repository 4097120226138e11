/** Styles every component of the desktop shares: controls, focus ring, small-screen layout. */
import { css } from 'lit';

export const baseStyles = css`
  :host {
    display: block;
    box-sizing: border-box;
    font: inherit;
    color: inherit;
    --cti-accent: #1c5fb8;
    --cti-danger: #b3261e;
    --cti-ok: #1b6e3a;
    --cti-muted: #5b6573;
    --cti-border: #c9d1dc;
    --cti-surface: #ffffff;
    --cti-radius: 6px;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  h2,
  h3,
  h4 {
    margin: 0 0 0.5rem;
    line-height: 1.25;
  }
  h2 {
    font-size: 1.1rem;
  }
  h3 {
    font-size: 1rem;
  }
  button,
  input,
  select,
  textarea {
    font: inherit;
  }
  button {
    min-height: 2.25rem;
    padding: 0.3rem 0.8rem;
    border: 1px solid var(--cti-accent);
    border-radius: var(--cti-radius);
    background: var(--cti-accent);
    color: #fff;
    cursor: pointer;
  }
  button.secondary {
    background: var(--cti-surface);
    color: var(--cti-accent);
  }
  button.danger {
    background: var(--cti-danger);
    border-color: var(--cti-danger);
  }
  button.ok {
    background: var(--cti-ok);
    border-color: var(--cti-ok);
  }
  button:disabled {
    opacity: 0.45;
    cursor: not-allowed;
  }
  input,
  select,
  textarea {
    min-height: 2.25rem;
    padding: 0.3rem 0.5rem;
    border: 1px solid var(--cti-border);
    border-radius: var(--cti-radius);
    background: var(--cti-surface);
    color: inherit;
    max-width: 100%;
  }
  :focus-visible {
    outline: 3px solid #f2b01e;
    outline-offset: 2px;
  }
  label {
    display: block;
    font-size: 0.85rem;
    color: var(--cti-muted);
    margin-bottom: 0.15rem;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: flex-end;
  }
  .field {
    display: flex;
    flex-direction: column;
    min-width: 0;
    flex: 1 1 8rem;
  }
  .muted {
    color: var(--cti-muted);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  .card {
    background: var(--cti-surface);
    border: 1px solid var(--cti-border);
    border-radius: var(--cti-radius);
    padding: 0.75rem;
  }
  .badge {
    display: inline-block;
    padding: 0.05rem 0.5rem;
    border-radius: 999px;
    font-size: 0.8rem;
    background: #e3e8ef;
    color: #17202a;
  }
  .badge.good {
    background: #d4f0dc;
    color: #0d4622;
  }
  .badge.warn {
    background: #fbe7c0;
    color: #5c3b00;
  }
  .badge.bad {
    background: #f8d5d2;
    color: #6b100b;
  }
  dl {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 0.15rem 0.75rem;
    margin: 0;
  }
  dt {
    color: var(--cti-muted);
  }
  dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
`;

/** A CustomEvent that leaves the shadow root, the way every component of the desktop reports. */
export function emit<T>(target: EventTarget, name: string, detail: T): void {
  target.dispatchEvent(new CustomEvent<T>(name, { detail, bubbles: true, composed: true }));
}

let counter = 0;
/** Ids unique in the page, for label/for pairs inside a shadow root. */
export const uniqueId = (prefix: string): string => `${prefix}-${++counter}`;
