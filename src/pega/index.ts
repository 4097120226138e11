/** `opencti-ts/pega`: installs the `pega.cti` namespace on import (browser script or module). */
import { installPega } from './namespace.js';

export * from './namespace.js';
export * from './logger.js';

export const pega = installPega();
