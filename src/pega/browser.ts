/**
 * The classic-script build of `opencti-ts/pega` (dist/desktop/assets/pega.js): a page loads it by a
 * <script> tag before a vendor's implementation file, which then finds `pega.cti` in place.
 */
import { installPega } from './namespace.js';

installPega();
