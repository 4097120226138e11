/**
 * `pega.cti.Logger`: what Pega's implementations log through (`this.Logger = new pega.cti.Logger()`).
 * Lines go to the console and into one bounded log shared by all loggers of the page, which the
 * desktop offers for download when an agent reports a problem.
 */
export type PegaLogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface PegaLogLine {
  readonly time: string;
  readonly level: PegaLogLevel;
  readonly message: string;
}

/** The most recent lines kept; older ones are dropped first. */
export const PEGA_LOG_LIMIT = 2000;

const lines: PegaLogLine[] = [];

export class PegaLogger {
  debug(...parts: unknown[]): void {
    record('debug', parts);
  }
  info(...parts: unknown[]): void {
    record('info', parts);
  }
  warn(...parts: unknown[]): void {
    record('warn', parts);
  }
  error(...parts: unknown[]): void {
    record('error', parts);
  }
  /** The kept lines, oldest first. */
  static lines(): readonly PegaLogLine[] {
    return [...lines];
  }
  /** The kept lines as text, one per line: what the desktop's download holds. */
  static text(): string {
    return lines.map((line) => `${line.time} ${line.level.toUpperCase()} ${line.message}`).join('\n');
  }
  static clear(): void {
    lines.length = 0;
  }
}

function record(level: PegaLogLevel, parts: unknown[]): void {
  const message = parts.map((part) => (typeof part === 'string' ? part : safeJson(part))).join(' ');
  lines.push({ time: new Date().toISOString(), level, message });
  if (lines.length > PEGA_LOG_LIMIT) lines.splice(0, lines.length - PEGA_LOG_LIMIT);
  console[level](message);
}

function safeJson(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
