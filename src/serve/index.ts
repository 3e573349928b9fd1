/** HTTP server composition: collection, health, and (later) the API and UI; and the platform `pond up` runs. */
export { createServer, type ServerOptions } from './server.ts';
export { startPlatform, type Platform, type PlatformOptions } from './platform.ts';
