/**
 * A benchmark server in a child process (`node --import tsx <script>`), so
 * that the load generator does not share an event loop with it. The script
 * prints `ready <url>` once it listens, reads commands from stdin, answers on
 * stdout one line each, stops on SIGTERM, and exits by itself when its stdin
 * closes (the benchmark died). Every child started here is killed when the
 * benchmark process exits, whatever the reason.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { REPO } from './lib.ts';

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const child of live) child.kill('SIGKILL');
      process.exit(130);
    });
  }
}

export interface ServerProcessOptions {
  /** Script path relative to the repository. */
  readonly script: string;
  readonly args?: readonly string[];
  /** Extra Node flags, e.g. `--cpu-prof`. */
  readonly nodeFlags?: readonly string[];
  /** Milliseconds to wait for `ready`. */
  readonly startTimeoutMs?: number;
}

export class ServerProcess {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly listeners: Set<(line: string) => void>,
    private readonly stderrTail: () => string,
  ) {}

  /**
   * @example
   * const server = await ServerProcess.start({ script: 'bench/bare-http-server.ts' });
   * try { … server.url … } finally { await server.stop(); }
   */
  static async start(options: ServerProcessOptions): Promise<ServerProcess> {
    installExitHook();
    const child = spawn(process.execPath, [...(options.nodeFlags ?? []), '--import', 'tsx', options.script, ...(options.args ?? [])], {
      cwd: REPO,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    live.add(child);
    child.once('exit', () => live.delete(child));
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    const listeners = new Set<(line: string) => void>();
    createInterface({ input: child.stdout! }).on('line', (line) => {
      for (const listener of listeners) listener(line);
    });
    const timeoutMs = options.startTimeoutMs ?? 30_000;
    let onReady: ((line: string) => void) | undefined;
    let onExit: ((code: number | null, signal: string | null) => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      const url = await new Promise<string>((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`${options.script} did not print "ready <url>" within ${timeoutMs} ms\n${stderr}`)), timeoutMs);
        onExit = (code, signal) => reject(new Error(`${options.script} exited (${code ?? signal}) before it was ready\n${stderr}`));
        child.once('exit', onExit);
        onReady = (line) => {
          if (line.startsWith('ready ')) resolve(line.slice('ready '.length).trim());
          else reject(new Error(`${options.script} printed "${line}" before "ready <url>"\n${stderr}`));
        };
        listeners.add(onReady);
      });
      return new ServerProcess(url, child, listeners, () => stderr);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    } finally {
      clearTimeout(timer);
      if (onReady) listeners.delete(onReady);
      if (onExit) child.off('exit', onExit);
    }
  }

  /** Writes one command line to the child's stdin. */
  send(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  /** Calls `listener` with every later stdout line; returns the function that removes it. */
  onLine(listener: (line: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends `command` and resolves with the first line that starts with `prefix `, without the prefix. */
  async ask(command: string, prefix: string, timeoutMs = 10_000): Promise<string> {
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => (off(), reject(new Error(`no "${prefix}" answer to "${command}" within ${timeoutMs} ms\n${this.stderrTail()}`))),
        timeoutMs,
      );
      const off = this.onLine((line) => {
        if (!line.startsWith(`${prefix} `)) return;
        clearTimeout(timer);
        off();
        resolve(line.slice(prefix.length + 1));
      });
      this.send(command);
    });
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
