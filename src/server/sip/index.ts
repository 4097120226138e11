/** SIP back end building blocks: control clients for Kamailio and the phones. */
export { SipControlError, type SipControlErrorKind } from './errors.js';
export { EventLog } from './event-log.js';
export { NetstringDecoder, encodeNetstring } from './netstring.js';
export { KamailioEvapi, type EvapiEvent } from './kamailio-evapi.js';
export { KamailioRpc, type KamailioContact, type KamailioDialog } from './kamailio-rpc.js';
export { BaresipControl, type BaresipEvent, type BaresipCallEventType } from './baresip-control.js';
export { LinphoneControl, type LinphoneEvent, type LinphoneResponse } from './linphone-control.js';
