export { computeStats, changeKey, categoryOf, DEFAULT_SERVICE_LEVEL_SECONDS } from './figures.js';
export type { AgentStateChange, AgentStats, QueueStats, Stats, StatsInput, TimeCategory } from './figures.js';
export { StatsBook, localMidnight, type LiveView, type StatsBookOptions } from './book.js';
export { agentStateChange } from './agent-events.js';
export { createStatsService, type StatsService, type StatsServiceOptions } from './service.js';
