import semver from 'semver';
import { CtiError } from './errors/cti-error.js';
import type { ImplementationInfo } from './implementation.js';

/** The version of the contract this framework offers to implementations. */
export const FRAMEWORK_API_VERSION = '1.0.0';

/** Refuses an implementation written for an incompatible framework API, naming both versions. */
export function checkVersion(info: ImplementationInfo): void {
  const range = semver.validRange(info.frameworkApi);
  const version = semver.valid(info.implementationVersion);
  if (!version) {
    throw new CtiError(
      'OPENCTI_VERSION_MISMATCH',
      `implementation "${info.name}" declares implementationVersion "${info.implementationVersion}", which is not a semver version`,
    );
  }
  if (!range || !semver.satisfies(FRAMEWORK_API_VERSION, range)) {
    throw new CtiError(
      'OPENCTI_VERSION_MISMATCH',
      `implementation "${info.name}" ${info.implementationVersion} targets framework API "${info.frameworkApi}", but this framework is API ${FRAMEWORK_API_VERSION}`,
      { details: { implementation: info.name, implementationVersion: info.implementationVersion, frameworkApi: info.frameworkApi, frameworkVersion: FRAMEWORK_API_VERSION } },
    );
  }
}
