/** HTTP server composition: collection, health, the data API and /metrics (and later the UI); and the platform `pond up` runs. */
export { createServer, type ServerOptions } from './server.ts';
export { startPlatform, type Platform, type PlatformOptions } from './platform.ts';
export { PondMetrics } from './metrics.ts';
