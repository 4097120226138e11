/**
 * Whether a release version (major.minor.patch, no prerelease) satisfies a semver range, with
 * node-semver's grammar and answers (`satisfies`, and `validRange` for what is not a range), in
 * the few kilobytes a browser page can carry: version.ts only ever asks this of the framework's
 * API version, and semver's Range with its classes is a sixth of the desktop page.
 * The steps and regular expressions are node-semver 7's (non-loose, no includePrerelease), in its
 * order; test/framework/semver-range.test.ts holds the answers to semver's over generated ranges.
 */

const MAX_LENGTH = 256;
const MAX_SAFE_BUILD_LENGTH = MAX_LENGTH - 6;
const LETTERDASHNUMBER = '[a-zA-Z0-9-]';

/** semver's "safe" regular expressions: unbounded repeats capped as semver caps them. */
const safe = (source: string): string => {
  for (const [token, max] of [['\\s', 1], ['\\d', MAX_LENGTH], [LETTERDASHNUMBER, MAX_SAFE_BUILD_LENGTH]] as const) {
    source = source.split(`${token}*`).join(`${token}{0,${max}}`).split(`${token}+`).join(`${token}{1,${max}}`);
  }
  return source;
};

const NUMERIC = '0|[1-9]\\d*';
const NON_NUMERIC = `\\d*[a-zA-Z-]${LETTERDASHNUMBER}*`;
const PRERELEASE_ID = `(?:${NON_NUMERIC}|${NUMERIC})`;
const PRERELEASE = `(?:-(${PRERELEASE_ID}(?:\\.${PRERELEASE_ID})*))`;
const BUILD_ID = `${LETTERDASHNUMBER}+`;
const BUILD = `(?:\\+(${BUILD_ID}(?:\\.${BUILD_ID})*))`;
const FULL_PLAIN = `v?(${NUMERIC})\\.(${NUMERIC})\\.(${NUMERIC})${PRERELEASE}?${BUILD}?`;
const LOOSE_PLAIN = `[v=\\s]*(\\d+)\\.(\\d+)\\.(\\d+)(?:-?((?:${NON_NUMERIC}|\\d+)(?:\\.(?:${NON_NUMERIC}|\\d+))*))?${BUILD}?`;
const GTLT = '((?:<|>)?=?)';
const X_ID = `${NUMERIC}|x|X|\\*`;
const X_PLAIN = `[v=\\s]*(${X_ID})(?:\\.(${X_ID})(?:\\.(${X_ID})(?:${PRERELEASE})?${BUILD}?)?)?`;

const regex = (source: string, flags?: string) => new RegExp(safe(source), flags);
const RE = {
  full: regex(`^${FULL_PLAIN}$`),
  build: regex(BUILD),
  // semver strips build metadata from a whole range with the unbounded expression.
  buildAll: new RegExp(BUILD, 'g'),
  hyphen: regex(`^\\s*(${X_PLAIN})\\s+-\\s+(${X_PLAIN})\\s*$`),
  comparatorTrim: regex(`(\\s*)${GTLT}\\s*(${LOOSE_PLAIN}|${X_PLAIN})`, 'g'),
  tildeTrim: regex('(\\s*)(?:~>?)\\s+', 'g'),
  caretTrim: regex('(\\s*)(?:\\^)\\s+', 'g'),
  tilde: regex(`^(?:~>?)${X_PLAIN}$`),
  caret: regex(`^(?:\\^)${X_PLAIN}$`),
  xRange: regex(`^${GTLT}\\s*${X_PLAIN}$`),
  star: regex('(<|>)?=?\\s*\\*'),
  gte0: regex('^\\s*>=\\s*0\\.0\\.0\\s*$'),
  comparator: regex(`^${GTLT}\\s*(${FULL_PLAIN})$|^$`),
};

/** A parsed version: its numbers and prerelease identifiers (build metadata plays no part). */
interface Version {
  readonly main: readonly [number, number, number];
  readonly pre: readonly (string | number)[];
}

function parseVersion(text: string): Version {
  if (text.length > MAX_LENGTH) throw new TypeError('too long');
  const m = RE.full.exec(text.trim());
  if (!m) throw new TypeError('invalid version');
  const main = [+m[1]!, +m[2]!, +m[3]!] as const;
  if (main.some((n) => n > Number.MAX_SAFE_INTEGER)) throw new TypeError('invalid version');
  const pre = m[4] ? m[4].split('.').map((id) => (/^[0-9]+$/.test(id) && +id < Number.MAX_SAFE_INTEGER ? +id : id)) : [];
  return { main, pre };
}

const compareIds = (a: string | number, b: string | number): number => {
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1;
  const aNum = /^[0-9]+$/.test(String(a));
  const bNum = /^[0-9]+$/.test(String(b));
  if (aNum && bNum) [a, b] = [+a, +b];
  return a === b ? 0 : aNum && !bNum ? -1 : bNum && !aNum ? 1 : a < b ? -1 : 1;
};

/** semver's compare: the numbers, then a release above its prereleases, then identifier by identifier. */
function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a.main[i] !== b.main[i]) return a.main[i]! < b.main[i]! ? -1 : 1;
  if (a.pre.length && !b.pre.length) return -1;
  if (!a.pre.length && b.pre.length) return 1;
  for (let i = 0; ; i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (x === undefined && y === undefined) return 0;
    if (y === undefined) return 1;
    if (x === undefined) return -1;
    if (x !== y) return compareIds(x, y);
  }
}

/** One comparator: an operator and a version, or none (any version). */
interface Comparator {
  readonly value: string;
  readonly op: string;
  readonly version: Version | undefined;
}

function parseComparator(text: string): Comparator {
  const m = RE.comparator.exec(text.trim().split(/\s+/).join(' '));
  if (!m) throw new TypeError('invalid comparator');
  const op = m[1] === undefined || m[1] === '=' ? '' : m[1];
  if (!m[2]) return { value: '', op, version: undefined };
  const version = parseVersion(m[2]);
  const shown = `${version.main.join('.')}${version.pre.length ? `-${version.pre.join('.')}` : ''}`;
  return { value: op + shown, op, version };
}

const isX = (id: string | undefined): boolean => !id || id.toLowerCase() === 'x' || id === '*';

function replaceTilde(comp: string): string {
  return comp.replace(RE.tilde, (_, M: string, m: string, p: string, pr: string) => {
    if (isX(M)) return '';
    if (isX(m)) return `>=${M}.0.0 <${+M + 1}.0.0-0`;
    if (isX(p)) return `>=${M}.${m}.0 <${M}.${+m + 1}.0-0`;
    if (pr) return `>=${M}.${m}.${p}-${pr} <${M}.${+m + 1}.0-0`;
    return `>=${M}.${m}.${p} <${M}.${+m + 1}.0-0`;
  });
}

function replaceCaret(comp: string): string {
  return comp.replace(RE.caret, (_, M: string, m: string, p: string, pr: string) => {
    if (isX(M)) return '';
    if (isX(m)) return `>=${M}.0.0 <${+M + 1}.0.0-0`;
    if (isX(p)) return M === '0' ? `>=${M}.${m}.0 <${M}.${+m + 1}.0-0` : `>=${M}.${m}.0 <${+M + 1}.0.0-0`;
    const from = pr ? `>=${M}.${m}.${p}-${pr}` : `>=${M}.${m}.${p}`;
    if (M === '0') return m === '0' ? `${from} <${M}.${m}.${+p + 1}-0` : `${from} <${M}.${+m + 1}.0-0`;
    return `${from} <${+M + 1}.0.0-0`;
  });
}

function replaceXRange(comp: string): string {
  comp = comp.trim();
  return comp.replace(RE.xRange, (all: string, gtlt: string, M: string, m: string | number, p: string | number) => {
    if ((isX(M) && !isX(m as string)) || (isX(m as string) && p && !isX(p as string))) return comp;
    const xM = isX(M);
    const xm = xM || isX(m as string);
    const xp = xm || isX(p as string);
    if (gtlt === '=' && xp) gtlt = '';
    let pr = '';
    if (xM) return gtlt === '>' || gtlt === '<' ? '<0.0.0-0' : '*';
    if (gtlt && xp) {
      if (xm) m = 0;
      p = 0;
      let major: string | number = M;
      if (gtlt === '>') {
        gtlt = '>=';
        if (xm) {
          major = +M + 1;
          m = 0;
        } else m = +m + 1;
        p = 0;
      } else if (gtlt === '<=') {
        gtlt = '<';
        if (xm) major = +M + 1;
        else m = +m + 1;
      }
      if (gtlt === '<') pr = '-0';
      return `${gtlt + major}.${m}.${p}${pr}`;
    }
    if (xm) return `>=${M}.0.0 <${+M + 1}.0.0-0`;
    if (xp) return `>=${M}.${m}.0 <${M}.${+m + 1}.0-0`;
    return all;
  });
}

function hyphenReplace(_: string, from: string, fM: string, fm: string, fp: string, fpr: string, _fb: string, to: string, tM: string, tm: string, tp: string, tpr: string): string {
  if (isX(fM)) from = '';
  else if (isX(fm)) from = `>=${fM}.0.0`;
  else if (isX(fp)) from = `>=${fM}.${fm}.0`;
  else from = `>=${from}`;
  if (isX(tM)) to = '';
  else if (isX(tm)) to = `<${+tM + 1}.0.0-0`;
  else if (isX(tp)) to = `<${tM}.${+tm + 1}.0-0`;
  else if (tpr) to = `<=${tM}.${tm}.${tp}-${tpr}`;
  else to = `<=${to}`;
  return `${from} ${to}`.trim();
}

const each = (comp: string, fn: (c: string) => string, split = /\s+/) => comp.trim().split(split).map(fn).join(' ');

/** One `||` alternative: its comparators (semver's parseRange). */
function parseSet(range: string): Comparator[] {
  range = range.replace(RE.buildAll, '');
  range = range.replace(RE.hyphen, hyphenReplace as (substring: string, ...args: string[]) => string);
  range = range.replace(RE.comparatorTrim, '$1$2$3');
  range = range.replace(RE.tildeTrim, '$1~');
  range = range.replace(RE.caretTrim, '$1^');
  const comparators = range
    .split(' ')
    .map((comp) => {
      comp = comp.replace(RE.build, '');
      comp = each(comp, replaceCaret);
      comp = each(comp, replaceTilde);
      comp = comp.split(/\s+/).map(replaceXRange).join(' ');
      return comp.trim().replace(RE.star, '');
    })
    .join(' ')
    .split(/\s+/)
    .map((comp) => comp.trim().replace(RE.gte0, ''))
    .map(parseComparator);
  const byValue = new Map<string, Comparator>();
  for (const comp of comparators) {
    if (comp.value === '<0.0.0-0') return [comp];
    byValue.set(comp.value, comp);
  }
  if (byValue.size > 1) byValue.delete('');
  return [...byValue.values()];
}

const OPS: Readonly<Record<string, (c: number) => boolean>> = {
  '': (c) => c === 0,
  '>': (c) => c > 0,
  '>=': (c) => c >= 0,
  '<': (c) => c < 0,
  '<=': (c) => c <= 0,
};

/**
 * Whether `version` (a release: no prerelease) satisfies `range`; undefined when `range` is no
 * semver range at all (semver's validRange gives null for it).
 */
export function releaseSatisfies(version: string, range: unknown): boolean | undefined {
  const released = parseVersion(version);
  if (released.pre.length) throw new TypeError(`releaseSatisfies: ${version} is a prerelease`);
  if (typeof range !== 'string') return undefined;
  let sets: Comparator[][];
  try {
    sets = range
      .trim()
      .replace(/\s+/g, ' ')
      .split('||')
      .map((part) => parseSet(part.trim()))
      .filter((set) => set.length > 0);
  } catch {
    return undefined;
  }
  if (sets.length === 0) return undefined;
  // (semver drops null sets and keeps a lone "any" set when there are several: the answer is the same.)
  return sets.some((set) => set.every((comp) => !comp.version || OPS[comp.op]!(compare(released, comp.version))));
}
