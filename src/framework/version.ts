// semver's range answers without semver's classes, which were a sixth of the desktop page.
import { releaseSatisfies } from './semver-range.js';
import { CtiError } from './errors/cti-error.js';
import type { ImplementationInfo } from './implementation.js';

/** The version of the contract this framework offers to implementations. */
export const FRAMEWORK_API_VERSION = '1.0.0';

/**
 * Refuses an implementation written for an incompatible framework API, naming both versions.
 * `implementationVersion` is the connector's own label ("1", "2.3.4", "2024-R2"): it must be a
 * non-empty string but the framework never compares it, so it need not be semver. `frameworkApi`
 * is compared, so when given it must be a semver range; when absent it means the current API
 * (the registry logs a warning about it).
 */
export function checkVersion(info: Pick<ImplementationInfo, 'name' | 'implementationVersion'> & { readonly frameworkApi?: string | undefined }): void {
  if (typeof info.implementationVersion !== 'string' || info.implementationVersion.length === 0) {
    throw new CtiError('OPENCTI_VERSION_MISMATCH', `implementation "${info.name}" declares no implementationVersion (expected a non-empty string)`);
  }
  if (info.frameworkApi === undefined) return;
  if (releaseSatisfies(FRAMEWORK_API_VERSION, info.frameworkApi) !== true) {
    throw new CtiError(
      'OPENCTI_VERSION_MISMATCH',
      `implementation "${info.name}" ${info.implementationVersion} targets framework API "${info.frameworkApi}", but this framework is API ${FRAMEWORK_API_VERSION}`,
      { details: { implementation: info.name, implementationVersion: info.implementationVersion, frameworkApi: info.frameworkApi, frameworkVersion: FRAMEWORK_API_VERSION } },
    );
  }
}
