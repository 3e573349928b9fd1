/** HTTP server composition: collection, health, the data API, /metrics and the web UI; and the platform `pond up` runs. */
export { createServer, type ServerOptions } from './server.ts';
export { startPlatform, type Platform, type PlatformOptions } from './platform.ts';
export { PondMetrics } from './metrics.ts';
export type { ProjectStatus } from './api/index.ts';
export { webUiBuilt } from './web-ui.ts';
