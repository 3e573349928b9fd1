/**
 * What `pond up` runs besides the orchestrator: the buffer (embedded log),
 * the lander consuming it, and the HTTP server in front. Started in that
 * order and stopped in reverse: the server stops taking requests and finishes
 * those in flight, the lander finishes its batch, then the buffer closes.
 *
 * A reloaded project (`pond up` after an edit) takes over without a restart:
 * `reload` builds the new project's routes (collection, API, UI) and lander,
 * then switches to them. The listening socket and the buffer stay; requests
 * under way finish on the routes they started on, and the old lander finishes
 * its batch before the new one reads on from the committed offsets.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { LocalLog, type Log } from '../buffer/index.ts';
import { StreamTail } from '../collect/index.ts';
import { EVENTS_TOPIC } from '../event/index.ts';
import { Lander, type LandContext, type LandSummary } from '../land/index.ts';
import type { Project } from '../config/index.ts';
import type { StateStore } from '../state/index.ts';
import { PondError } from '../errors/index.ts';
import { assertApiExposure, type ProjectStatus } from './api/index.ts';
import { LandingLatency } from './landing-latency.ts';
import { PondMetrics } from './metrics.ts';
import { createServer } from './server.ts';

export type PlatformContext = LandContext & { readonly project: Project; readonly state: StateStore };

export interface PlatformOptions {
  readonly ctx: PlatformContext;
  /** Overrides the configured port (0 picks a free one). */
  readonly port?: number;
  readonly onLanded?: (summary: LandSummary) => void;
  readonly onLandFailed?: (error: Error, retryInMs: number) => void;
  readonly onWarning?: (message: string) => void;
  /** Whether the project in use is the one on disk (`GET /api/project`); left out, it always is. */
  readonly projectStatus?: () => ProjectStatus;
}

export interface Platform {
  /** Base URL of the HTTP server, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly log: Log;
  /** The lander of the project in use. */
  readonly lander: Lander;
  /** The routes of the project in use. */
  readonly server: FastifyInstance;
  /** What `/metrics` serves; the orchestrator reports its builds to it. */
  readonly metrics: PondMetrics;
  /** Buffer recovery on open: bytes of a torn tail cut off. */
  readonly recoveredBytes: number;
  /**
   * Switches to a reloaded project: its routes and lander take over. Its
   * collection settings that the socket holds (host, port) take effect at
   * the next start; the answer says so when they changed.
   */
  reload(ctx: PlatformContext): Promise<{ restartNeeded: string[] }>;
  close(): Promise<void>;
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** One project's routes and lander. */
interface Mounted {
  readonly ctx: PlatformContext;
  readonly app: FastifyInstance;
  readonly handler: Handler;
  readonly lander: Lander;
  readonly stop: AbortController;
  readonly landing: Promise<void>;
}

export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const { project } = options.ctx;
  // Before anything starts: an API open to the network is refused outright.
  assertApiExposure(project.collect.host, project.api.tokens);
  // Segments of an eighth of the bound (at most 64 MiB): consumed ones are deleted whole, so the buffer drains well before it is full.
  const log = await LocalLog.open(project.buffer.dir, {
    maxBytes: project.buffer.maxBytes,
    segmentBytes: Math.min(64 * 1024 ** 2, Math.floor(project.buffer.maxBytes / 8)),
  });
  // The socket is Pond's; each project's Fastify routes are mounted on it in turn (Fastify's serverFactory).
  let current: Mounted | undefined;
  const http = createHttpServer((request, response) => (current as Mounted).handler(request, response));
  http.requestTimeout = 30_000;
  http.keepAliveTimeout = 65_000;
  const metrics = new PondMetrics(project, options.ctx.state);
  const latency = new LandingLatency();
  // One live tail for every load of the project: a reload keeps what the tail shows.
  const tail = new StreamTail();
  const landed = (summary: LandSummary) => {
    metrics.observeLanding(summary);
    latency.observe(summary);
    options.onLanded?.(summary);
  };

  const mount = async (ctx: PlatformContext): Promise<Mounted> => {
    assertApiExposure(ctx.project.collect.host, ctx.project.api.tokens);
    await log.ensureTopic(EVENTS_TOPIC, ctx.project.buffer.partitions);
    const lander = new Lander({ ...ctx, log });
    const reset = await lander.init();
    if (reset.length > 0)
      options.onWarning?.(
        `the buffer holds fewer records than the state says were landed (partitions ${reset.join(', ')}): the buffer folder was replaced; reading it from its start`,
      );
    let handler: Handler | undefined;
    const app = await createServer({
      project: ctx.project,
      log,
      topic: EVENTS_TOPIC,
      keyRing: ctx.keyRing,
      tail,
      api: { state: ctx.state, lake: ctx.lake, metrics, landing: latency, keyRing: ctx.keyRing, projectStatus: options.projectStatus },
      serverFactory: (h) => {
        handler = h;
        return http;
      },
    });
    await app.ready();
    const stop = new AbortController();
    const landing = lander.run(stop.signal, { landed, failed: options.onLandFailed });
    return { ctx, app, handler: handler as Handler, lander, stop, landing };
  };
  const unmount = async (m: Mounted) => {
    m.stop.abort();
    await m.landing;
    // Never listened itself: closing it runs its routes' onClose hooks and leaves the shared socket open.
    await m.app.close();
  };

  try {
    current = await mount(options.ctx);
    const port = options.port ?? project.collect.port;
    try {
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen({ port, host: project.collect.host }, () => {
          http.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      await unmount(current);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
        throw new PondError(
          'BAD_ARGUMENT',
          `cannot listen on ${project.collect.host}:${port}: ${code === 'EADDRINUSE' ? 'the port is in use' : (error as Error).message}`,
          {
            hint: 'pick another port with --port, POND_PORT or collect.port in pond.config.ts (0 picks a free one)',
          },
        );
      }
      throw error;
    }
    const address = http.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    const host = project.collect.host.includes(':') ? `[${project.collect.host}]` : project.collect.host;
    return {
      url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound}`,
      log,
      get lander() {
        return (current as Mounted).lander;
      },
      get server() {
        return (current as Mounted).app;
      },
      metrics,
      recoveredBytes: log.recovery.truncatedBytes,
      async reload(ctx) {
        const before = (current as Mounted).ctx.project;
        const next = await mount(ctx);
        const previous = current as Mounted;
        current = next;
        metrics.project = ctx.project;
        await unmount(previous);
        const restartNeeded: string[] = [];
        if (ctx.project.collect.host !== before.collect.host) restartNeeded.push('collect.host');
        if (options.port === undefined && ctx.project.collect.port !== before.collect.port) restartNeeded.push('collect.port');
        if (ctx.project.buffer.dir !== before.buffer.dir || ctx.project.buffer.maxBytes !== before.buffer.maxBytes) restartNeeded.push('buffer');
        return { restartNeeded };
      },
      async close() {
        // Stop taking requests and finish those in flight, then the lander's batch, then the buffer.
        await new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeIdleConnections();
        });
        await unmount(current as Mounted);
        await log.close();
      },
    };
  } catch (error) {
    await log.close();
    throw error;
  }
}
