/**
 * releaseSatisfies (src/framework/semver-range.ts) gives semver's answers: for the framework's
 * API version and a few others, over ranges written as connectors write them and over ranges
 * generated from semver's grammar with damage, the verdict is semver's validRange then satisfies
 * (what checkVersion asked semver before), "not a range" included.
 */
import fc from 'fast-check';
import satisfies from 'semver/functions/satisfies.js';
import validRange from 'semver/ranges/valid.js';
import { describe, expect, it } from 'vitest';
import { releaseSatisfies } from '../../src/framework/semver-range.js';
import { FRAMEWORK_API_VERSION } from '../../src/framework/version.js';

const VERSIONS = [FRAMEWORK_API_VERSION, '0.0.0', '0.3.1', '1.2.3', '2.0.0', '10.20.30'];

/** semver's verdict as checkVersion reached it: undefined when the text is no range. */
const semverSays = (version: string, range: unknown): boolean | undefined => {
  const valid = validRange(range as string);
  return valid ? satisfies(version, valid) : undefined;
};

const agree = (range: unknown) => {
  for (const version of VERSIONS) expect(releaseSatisfies(version, range), `${version} in ${JSON.stringify(range)}`).toBe(semverSays(version, range));
};

const WRITTEN = [
  '^1.0.0', '^1', '^1.0', '~1.0.0', '~1', '1', '1.x', '1.0.x', '1.X', '1.*', '*', '', 'x', '>=1.0.0', '>=1.0.0 <2.0.0', '>=1 <2', '<2', '<1', '<=1.0.0',
  '>1.0.0', '>0.9', '=1.0.0', 'v1.0.0', '1.0.0', '1.0.0 - 2.0.0', '1 - 2', '0.9 - 1.0', '1.0.0-beta - 1.0.0', '^0.9.0', '^0.0.1', '~0.9', '^1.0.0-rc.1',
  '>=1.0.0-0', '<1.0.0-0', '1.0.0+build.5', '^1.0.0 || ^2.0.0', '^2 || ^3', '1.0.0 || ', ' || ', '>= 1.0.0', '> 1.0.0', '~ 1.0', '^ 1.0', '~> 1.0',
  '>=01.0.0', '1.0', '1.0.0.0', 'latest', 'next', '2024-R2', 'one', '^1.0.0 ^1.2', '<=1.x', '>1.x', '<1.x', '>=1.x', '>x', '<x', '=x', '>=*', '<*',
  '1.x.3', 'x.1', '*.1.x', '>=0.0.0', '>=0.0.0-0', '  ^1.0.0  ', '^1.0.0\t<2', '1.0.0-alpha.1 - 1.0.0-beta', '^9007199254740992', `^1.0.0-${'a'.repeat(300)}`,
  `${'1'.repeat(300)}`, 'v=1.0.0', '=v1.0.0', '==1.0.0', '!1.0.0', '~>1.0.0', '^v1', '~v1.0', '>=v1.0.0', 'x || 1', '<0.0.0-0 || 1',
];

const piece = fc.oneof(
  fc.constantFrom('^', '~', '~>', '>=', '<=', '>', '<', '=', 'v', '', ' ', '  ', ' - ', '||', ' || ', '-', '+', '.', 'x', 'X', '*'),
  fc.constantFrom('0', '1', '2', '00', '01', '10', '1.0', '1.0.0', '0.9.9', '2.0.0', '1.0.1', '1.x', '0.0', 'alpha', 'beta.1', 'rc-1', '0-0', 'build.7'),
  fc.string({ maxLength: 3 }),
);

describe('releaseSatisfies, against semver', () => {
  it('agrees on ranges as connectors write them', () => {
    for (const range of WRITTEN) agree(range);
  });

  it('agrees on ranges generated from the grammar, damaged or not', () => {
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 9 }), (pieces) => agree(pieces.join(''))),
      { numRuns: 5_000 },
    );
  });

  it('agrees that what is not a string is no range', () => {
    for (const range of [undefined, null, 1, {}, ['^1']]) agree(range);
  });
});
