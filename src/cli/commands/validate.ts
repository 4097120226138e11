/**
 * `opencti validate FILE…`: checks JSON files against the OpenCTI schemas, as the framework would.
 *   an object with pyEventType     is an event (SPEC §4)
 *   an object with telephonyMode   is an application context (SPEC §3, §7)
 *   an array                       is a list of events
 * `--type event|context` forces the kind. Events are taken in as a session with the default
 * `events: "lenient"` takes them (vendor call state names, bare call events filled from a call an
 * earlier event of the same list started); `--strict` checks the contract's shapes only, as
 * `events: "strict"` does. One line per file: `OK path`, or one line per problem
 * `path: /json/pointer message (got value)`. Exit status: 0 all valid, 1 any invalid or
 * unreadable, 2 usage error.
 */
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { OpenCtiEvent } from '../../framework/schema/events.js';
import { callStateOf, validateLenientEvent, type KnownCallFacts } from '../../framework/schema/lenient.js';
import { describeProblems, validateContext, validateEvent, type ValidationProblem, type ValidationResult } from '../../framework/schema/validate.js';

export const DOCUMENT_KINDS = ['event', 'context'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export interface FileReport {
  readonly path: string;
  readonly ok: boolean;
  /** What to print for the file, one entry per line. */
  readonly lines: readonly string[];
}

// ---- where JSON.parse gave up ----

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/**
 * The offset of the first character that makes `text` invalid JSON, or -1 when it is valid.
 * JSON.parse reports a position only for some errors; this finds it for all of them.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw new SyntaxAt(i);
  };
  const skipWhitespace = () => {
    while (i < text.length && WHITESPACE.has(text[i] as string)) i++;
  };
  const string = () => {
    i++;
    for (;;) {
      const c = text[i];
      if (c === undefined) fail();
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const next = text[i + 1];
        if (next !== undefined && ESCAPES.has(next)) i += 2;
        else if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else {
          i++;
          fail();
        }
      } else if ((c as string).charCodeAt(0) < 0x20) fail();
      else i++;
    }
  };
  const digits = () => {
    if (!isDigit(text[i])) fail();
    while (isDigit(text[i])) i++;
  };
  const number = () => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };
  const sequence = (close: string, item: () => void) => {
    i++;
    skipWhitespace();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      item();
      skipWhitespace();
      if (text[i] === ',') i++;
      else if (text[i] === close) {
        i++;
        return;
      } else fail();
    }
  };
  const value = (): void => {
    skipWhitespace();
    const c = text[i];
    if (c === '{') {
      return sequence('}', () => {
        skipWhitespace();
        if (text[i] !== '"') fail();
        string();
        skipWhitespace();
        if (text[i] !== ':') fail();
        i++;
        value();
      });
    }
    if (c === '[') return sequence(']', value);
    if (c === '"') return string();
    if (c === '-' || isDigit(c)) return number();
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    fail();
  };
  try {
    value();
    skipWhitespace();
    if (i < text.length) fail();
    return -1;
  } catch (error) {
    if (error instanceof SyntaxAt) return error.offset;
    return -1; // nesting too deep to scan: JSON.parse's own message has to do
  }
}

class SyntaxAt {
  constructor(readonly offset: number) {}
}

/** 1-based line and column of an offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

// ---- what a document is and whether it is valid ----

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const withPrefix = (prefix: string, problems: readonly ValidationProblem[]) => problems.map((p) => ({ ...p, path: `${prefix}${p.path}` }));

export interface CheckOptions {
  /** Treat the document as this kind instead of telling by content. */
  readonly type?: DocumentKind | undefined;
  /** Contract shapes only (events: "strict"); otherwise lenient intake. */
  readonly strict?: boolean | undefined;
}

const ENDED = new Set(['Disconnected', 'Abandoned']);

/** The calls in progress after an event, as a session would know them, for the next bare event. */
function remember(calls: Map<string, KnownCallFacts>, event: OpenCtiEvent): void {
  if (event.pyEventType === 'SnapshotEvent' && event.pyCalls) {
    calls.clear();
    for (const call of event.pyCalls) if (!ENDED.has(call.pyEventName)) calls.set(call.pyCallId, call);
  } else if (event.pyEventType === 'CallStateEvent') {
    if (ENDED.has(event.pyEventName)) calls.delete(event.pyCallId);
    else calls.set(event.pyCallId, { ...calls.get(event.pyCallId), ...event });
  }
}

/**
 * An event or a list of events, in order: in lenient intake a bare event may name a call an
 * earlier event of the list started, as it would in a session that received them.
 */
function eventProblems(document: unknown, strict: boolean): ValidationProblem[] {
  const calls = new Map<string, KnownCallFacts>();
  const check = (event: unknown): ValidationResult<OpenCtiEvent> => {
    const result = strict ? validateEvent(event) : validateLenientEvent(event, (id) => calls.get(id));
    if (result.ok) remember(calls, result.value);
    return result;
  };
  if (!Array.isArray(document)) {
    const result = check(document);
    return result.ok ? [] : result.problems;
  }
  return document.flatMap((event, index) => {
    const result = check(event);
    return result.ok ? [] : withPrefix(`/${index}`, result.problems);
  });
}

function contextProblems(document: unknown): ValidationProblem[] {
  const result = validateContext(document);
  return result.ok ? [] : result.problems;
}

/** Which kind the document is by its content, or undefined when it does not say. */
export function kindOf(document: unknown): DocumentKind | undefined {
  if (Array.isArray(document)) return 'event';
  if (!isObject(document)) return undefined;
  // A bare call event ({ pyCallId, pyEventName }) is an event too, if one strict intake refuses.
  if ('pyEventType' in document || 'pyCallId' in document || callStateOf(document.pyEventName)) return 'event';
  if ('telephonyMode' in document) return 'context';
  return undefined;
}

/** The problems of one parsed document, as an event (or list of events) or as a context. */
export function documentProblems(document: unknown, { type, strict = false }: CheckOptions = {}): ValidationProblem[] {
  const kind = type ?? kindOf(document);
  if (kind === 'event') return eventProblems(document, strict);
  if (kind === 'context') return contextProblems(document);
  if (!isObject(document)) {
    return [{ path: '', message: 'must be a JSON object (an event or an application context) or an array of events', value: document }];
  }
  return [
    {
      path: '',
      message: 'is neither an OpenCTI event (it has no pyEventType) nor an application context (it has no telephonyMode); pass --type event or --type context',
    },
  ];
}

// ---- files ----

const problemLine = (path: string, problem: ValidationProblem) => `${path}: ${describeProblems([problem])}`;

/** Reads, parses and validates one file; never throws. */
export async function validateFile(path: string, options: CheckOptions = {}): Promise<FileReport> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { path, ok: false, lines: [`${path}: cannot read the file: ${(error as Error).message}`] };
  }
  // Editors on some systems start UTF-8 files with a byte order mark; JSON.parse does not accept it.
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  let document: unknown;
  try {
    document = JSON.parse(text) as unknown;
  } catch (error) {
    const offset = jsonErrorOffset(text);
    const where = offset >= 0 ? (({ line, column }) => ` at line ${line}, column ${column}`)(lineAndColumn(text, offset)) : '';
    // V8 quotes the text around the error, newlines included: keep the report one line per problem.
    const reason = (error as Error).message.replace(/\s*\n\s*/g, ' ');
    return { path, ok: false, lines: [`${path}: not valid JSON${where}: ${reason}`] };
  }
  const problems = documentProblems(document, options);
  if (problems.length === 0) return { path, ok: true, lines: [`OK ${path}`] };
  return { path, ok: false, lines: problems.map((p) => problemLine(path, p)) };
}

/** Validates every file in order; the exit status is 0 when all are valid, 1 otherwise. */
export async function validateFiles(paths: readonly string[], options: CheckOptions = {}, print: (line: string) => void = console.log): Promise<number> {
  let allValid = true;
  for (const path of paths) {
    const report = await validateFile(path, options);
    for (const line of report.lines) print(line);
    allValid &&= report.ok;
  }
  return allValid ? 0 : 1;
}

export function registerValidate(program: Command): Command {
  return program
    .command('validate')
    .description('check OpenCTI events and application contexts (JSON files) against the schemas')
    .argument('<files...>', 'JSON files: an event, an array of events, or an application context')
    .addOption(new Option('--type <kind>', 'treat every file as this kind instead of telling by content').choices(DOCUMENT_KINDS))
    .option('--strict', 'check events against the contract\'s shapes only (events: "strict"), not as lenient intake takes them')
    .addHelpText(
      'after',
      '\nA file with pyEventType (or pyCallId) is an event, an array is a list of events, a file with telephonyMode\n' +
        'is an application context. Events are checked as lenient intake takes them (the default of a session):\n' +
        'vendor call state names are mapped, and a bare event { pyCallId, pyEventName } is filled from the call an\n' +
        'earlier event of the same list started; --strict checks the contract\'s shapes only.\n' +
        'Prints "OK <file>" or one "<file>: /json/pointer message (got value)" per problem.\n' +
        'Exit status: 0 all valid, 1 some file invalid or unreadable, 2 usage error.',
    )
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
    .action(async (files: string[], flags: { type?: DocumentKind; strict?: boolean }) => {
      process.exitCode = await validateFiles(files, { type: flags.type, strict: flags.strict === true });
    });
}
