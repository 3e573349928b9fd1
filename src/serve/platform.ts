/**
 * What `pond up` runs besides the orchestrator: the buffer (embedded log),
 * the lander consuming it, and the HTTP server in front. Started in that
 * order and stopped in reverse: the server stops taking requests and finishes
 * those in flight, the lander finishes its batch, then the buffer closes.
 */
import type { FastifyInstance } from 'fastify';
import { LocalLog, type Log } from '../buffer/index.ts';
import { EVENTS_TOPIC } from '../event/index.ts';
import { Lander, type LandContext, type LandSummary } from '../land/index.ts';
import type { Project } from '../config/index.ts';
import type { StateStore } from '../state/index.ts';
import { PondError } from '../errors/index.ts';
import { assertApiExposure } from './api/index.ts';
import { LandingLatency } from './landing-latency.ts';
import { PondMetrics } from './metrics.ts';
import { createServer } from './server.ts';

export interface PlatformOptions {
  readonly ctx: LandContext & { readonly project: Project; readonly state: StateStore };
  /** Overrides the configured port (0 picks a free one). */
  readonly port?: number;
  readonly onLanded?: (summary: LandSummary) => void;
  readonly onLandFailed?: (error: Error, retryInMs: number) => void;
  readonly onWarning?: (message: string) => void;
}

export interface Platform {
  /** Base URL of the HTTP server, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly log: Log;
  readonly lander: Lander;
  readonly server: FastifyInstance;
  /** What `/metrics` serves; the orchestrator reports its builds to it. */
  readonly metrics: PondMetrics;
  /** Buffer recovery on open: bytes of a torn tail cut off. */
  readonly recoveredBytes: number;
  close(): Promise<void>;
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
  try {
    await log.ensureTopic(EVENTS_TOPIC, project.buffer.partitions);
    const lander = new Lander({ ...options.ctx, log });
    const reset = await lander.init();
    if (reset.length > 0)
      options.onWarning?.(
        `the buffer holds fewer records than the state says were landed (partitions ${reset.join(', ')}): the buffer folder was replaced; reading it from its start`,
      );
    const stop = new AbortController();
    const metrics = new PondMetrics(project, options.ctx.state);
    const latency = new LandingLatency();
    const landed = (summary: LandSummary) => {
      metrics.observeLanding(summary);
      latency.observe(summary);
      options.onLanded?.(summary);
    };
    const landing = lander.run(stop.signal, { landed, failed: options.onLandFailed });
    let server: FastifyInstance;
    try {
      server = await createServer({
        project,
        log,
        topic: EVENTS_TOPIC,
        keyRing: options.ctx.keyRing,
        api: { state: options.ctx.state, lake: options.ctx.lake, metrics, landing: latency, keyRing: options.ctx.keyRing },
      });
    } catch (error) {
      stop.abort();
      await landing;
      throw error;
    }
    try {
      await server.listen({ port: options.port ?? project.collect.port, host: project.collect.host });
    } catch (error) {
      await server.close().catch(() => undefined);
      stop.abort();
      await landing;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
        const port = options.port ?? project.collect.port;
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
    const address = server.server.address();
    const port = typeof address === 'object' && address ? address.port : project.collect.port;
    const host = project.collect.host.includes(':') ? `[${project.collect.host}]` : project.collect.host;
    return {
      url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
      log,
      lander,
      server,
      metrics,
      recoveredBytes: log.recovery.truncatedBytes,
      async close() {
        await server.close();
        stop.abort();
        await landing;
        await log.close();
      },
    };
  } catch (error) {
    await log.close();
    throw error;
  }
}
