export * from './testbed.js';
export { renderKamailioConfig, type KamailioConfigOptions } from './kamailio-config.js';
export type { BedCertificate } from './tls-cert.js';
export { cancelCallerScenario, inDialogCalleeScenario, type InDialogCalleeOptions, registerScenario, rejectingCalleeScenario, ringingCalleeScenario } from './sipp-scenarios.js';
export { liveProcesses, stopAllProcesses, ManagedProcess } from './process.js';
export { waitUntil } from './wait.js';
export type { SippRun } from './sipp.js';
export { sipConfigFor, type BedAgent } from './sip-config.js';
export { BROWSER_PHONE_CHROMIUM_ARGS, bedPids, chromiumInNamespace } from './browser.js';
