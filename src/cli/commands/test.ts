/**
 * `pond test [filter…]`: runs the project's pipeline tests — the `*.test.ts`
 * files in its tests folder — with Node's test runner, streaming its report.
 * Exit 0 when every test passes, 1 when one fails, 2 when the project cannot
 * be loaded or has no test files.
 */
import { runProjectTests } from '../../testing/index.ts';
import { projectDir, type GlobalOptions } from '../context.ts';
import { printJson } from '../output.ts';

export interface TestCommandOptions extends GlobalOptions {
  /** Only tests whose name matches this regular expression. */
  name?: string;
}

export async function testCommand(filters: string[], options: TestCommandOptions): Promise<number> {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const result = await runProjectTests(projectDir(options), {
      filters,
      namePattern: options.name,
      echo: options.json ? undefined : { stdout: process.stdout, stderr: process.stderr },
      signal: controller.signal,
    });
    if (options.json) {
      printJson(result);
    } else {
      const counts = `${result.passed} passed, ${result.failed} failed${result.skipped > 0 ? `, ${result.skipped} skipped` : ''}`;
      const files = `${result.files.length} test file${result.files.length === 1 ? '' : 's'}`;
      process.stdout.write(`\n${result.ok ? 'ok' : 'FAILED'}: ${counts} (${files}, ${(result.durationMs / 1000).toFixed(1)} s)\n`);
      for (const name of result.failures) process.stdout.write(`  ✖ ${name}\n`);
    }
    return result.ok ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
