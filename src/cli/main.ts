/**
 * The `pond` command line. Exit codes: 0 success, 1 the work failed, 2 bad
 * input from the user (bad project, bad arguments).
 */
import { Command, CommanderError } from 'commander';
import { asPondError } from '../errors/index.ts';
import type { GlobalOptions } from './context.ts';

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('pond')
    .description('Pond: collect events, keep them in an immutable lake, keep derived datasets up to date.')
    .option('-p, --project <dir>', 'the project folder (default: the current folder)')
    .option('--json', 'machine-readable output')
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  let code = 0;
  const run =
    <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
    async (...args: A) => {
      code = await fn(...args);
    };
  // Commands load on use, so that `pond status` does not pay for DuckDB.
  const globals = (cmd: Command): GlobalOptions => cmd.optsWithGlobals() as GlobalOptions;

  program
    .command('init <dir>')
    .description('create a runnable project with a stream, two datasets and sample events')
    .action(run((dir: string, _o, cmd: Command) => import('./commands/init.ts').then((m) => m.initCommand(dir, globals(cmd)))));
  program
    .command('build [datasets...]')
    .description('build stale and missing partitions (of the named datasets and what they need)')
    .option('--from <time>', 'only partitions whose window ends after this time')
    .option('--to <time>', 'only partitions whose window starts before this time')
    .option('--dry-run', 'print what would be built and why, and build nothing')
    .option('--force', 'rebuild partitions in scope even when they are fresh')
    .option('--now <time>', 'plan as of this ISO time: the watermarks of idle streams and retention horizons follow it (default: the clock at each plan)')
    .action(run((names: string[], _o, cmd: Command) => import('./commands/build.ts').then((m) => m.buildCommand(names, globals(cmd)))));
  program
    .command('verify [datasets...]')
    .description('rebuild built partitions from the input versions they recorded and report those whose rows differ (all datasets when none is named)')
    .option('--from <time>', 'only partitions whose window ends after this time')
    .option('--to <time>', 'only partitions whose window starts before this time')
    .action(run((names: string[], _o, cmd: Command) => import('./commands/verify.ts').then((m) => m.verifyCommand(names, globals(cmd)))));
  program
    .command('status [name]')
    .description('partitions of every stream and dataset: fresh, stale and why, failed')
    .option('--now <time>', 'as of this ISO time, as pond build --now plans')
    .action(run((name: string | undefined, _o, cmd: Command) => import('./commands/status.ts').then((m) => m.statusCommand(name, globals(cmd)))));
  program
    .command('checks [name]')
    .description('check results of every version of a stream or dataset, newest first; --failed shows the failing rows')
    .option('--failed', 'only failed checks (either severity), each with a sample of its failing rows')
    .option('--partition <key>', 'only this partition (needs a name)')
    .option('--version <id>', 'only this version')
    .option('--limit <n>', 'how many results (default 50)')
    .action(run((name: string | undefined, _o, cmd: Command) => import('./commands/checks.ts').then((m) => m.checksCommand(name, globals(cmd)))));
  program
    .command('runs [runId]')
    .description('recent runs; with a run id, its log')
    .option('--failed', 'only failed runs, with their errors')
    .option('--dataset <name>', 'only runs of this dataset')
    .option('--limit <n>', 'how many (default 50)')
    .action(run((id: string | undefined, _o, cmd: Command) => import('./commands/runs.ts').then((m) => m.runsCommand(id, globals(cmd)))));
  program
    .command('publish [datasets...]')
    .description(
      'publish to their sinks the partitions whose current version a sink does not hold yet, retrying failed publishes now (all datasets with sinks when none is named)',
    )
    .option('--force', 'publish every partition again, whatever the sinks hold (after a serving database was wiped or replaced)')
    .action(run((names: string[], _o, cmd: Command) => import('./commands/publish.ts').then((m) => m.publishCommand(names, globals(cmd)))));
  program
    .command('sinks [dataset]')
    .description('the state of each sink: partitions published, behind and failed, with errors')
    .action(run((name: string | undefined, _o, cmd: Command) => import('./commands/sinks.ts').then((m) => m.sinksCommand(name, globals(cmd)))));
  program
    .command('forget [subjects...]')
    .description(
      'forget data subjects: delete their keys (their personal data in the lake becomes unreadable), stop reading their events, rebuild what was derived from them; --status lists the requests; --verify scans for what of them survives',
    )
    .option('--reason <text>', 'why (recorded in the audit log; no personal data)')
    .option('--by <name>', 'who asks (default: the OS user)')
    .option('--status', 'the forget requests (of the named subjects, or all), newest first, with their rebuilds')
    .option('--limit <n>', 'how many requests --status lists (default 50)')
    .option(
      '--verify',
      'scan every column of every current version, raw partition, dead letter and the state for the subjects (clear identifier and pseudonym) and report where any survives; exit 1 when something does',
    )
    .action(run((subjects: string[], _o, cmd: Command) => import('./commands/forget.ts').then((m) => m.forgetCommand(subjects, globals(cmd)))));
  program
    .command('query <sql>')
    .description('SQL over the current versions of every stream and dataset (and dead_letters)')
    .option('--format <format>', 'table, json or csv', 'table')
    .option('--decrypt', "show personal fields decrypted (never a forgotten subject's: those show null); pseudonyms stay pseudonyms")
    .action(run((sql: string, _o, cmd: Command) => import('./commands/query.ts').then((m) => m.queryCommand(sql, globals(cmd)))));
  program
    .command('send <stream> <file>')
    .description('send an NDJSON or JSON-array file through a running collector (retrying what a retry can fix)')
    .option('--url <url>', 'collector URL (default: from pond.config.ts, http://127.0.0.1:8080)')
    .option('--key <writeKey>', 'write key (default: the first source in pond.config.ts that may write the stream)')
    .option('--batch <n>', 'events per request', '500')
    .option('--concurrency <n>', 'requests in flight', '4')
    .option('--segment', 'send as Segment calls to /v1/batch (each line a Segment message)')
    .action(run((stream: string, file: string, _o, cmd: Command) => import('./commands/send.ts').then((m) => m.sendCommand(stream, file, globals(cmd)))));
  program
    .command('tail <stream>')
    .description('the last events a running collector received for a stream, accepted and dead-lettered, with their verdicts; --follow: as they arrive')
    .option('--url <url>', 'Pond URL (default: from pond.config.ts, http://127.0.0.1:8080)')
    .option('--token <token>', 'API token (default: POND_API_TOKEN, else the first of api.tokens in pond.config.ts)')
    .option('--limit <n>', 'the most events to show at first (at most 100)')
    .option('--status <status>', 'only accepted events, or only dead letters (accepted, dead-letter)')
    .option('-f, --follow', 'keep showing events as they arrive, until Ctrl-C')
    .action(run((stream: string, _o, cmd: Command) => import('./commands/tail.ts').then((m) => m.tailCommand(stream, globals(cmd)))));
  program
    .command('load <stream> <file>')
    .description('append the events of an NDJSON or JSON-array file to a stream')
    .action(run((stream: string, file: string, _o, cmd: Command) => import('./commands/load.ts').then((m) => m.loadCommand(stream, file, globals(cmd)))));
  program
    .command('test [filters...]')
    .description("run the project's pipeline tests (the *.test.ts files in tests/) with Node's test runner; filters pick files by path")
    .option('--name <pattern>', 'only tests whose name matches this regular expression')
    .action(run((filters: string[], _o, cmd: Command) => import('./commands/test.ts').then((m) => m.testCommand(filters, globals(cmd)))));
  program
    .command('privacy')
    .description('which streams and datasets hold personal data: identifier and personal columns, and where each class comes from')
    .action(run((_o, cmd: Command) => import('./commands/privacy.ts').then((m) => m.privacyCommand(globals(cmd)))));
  program
    .command('export-subject <subject>')
    .description('everything Pond holds about one data subject (the right of access), decrypted, as one JSON document')
    .option('--out <file>', 'write the document to this file (mode 0600) instead of stdout')
    .action(run((subject: string, _o, cmd: Command) => import('./commands/export-subject.ts').then((m) => m.exportSubjectCommand(subject, globals(cmd)))));
  program
    .command('gc')
    .description('delete superseded versions beyond their retention, then lake files that no version references; record what went')
    .option('--dry-run', 'only list what would be deleted')
    .option('--grace <duration>', 'keep versions superseded, and files written, less than this ago (default: gc.grace in pond.config.ts, or 1h)')
    .option('--now <time>', 'evaluate retention and the grace period as of this ISO time (to preview; a later time also sweeps files of builds running now)')
    .option('--log', 'list what earlier collections deleted, newest first')
    .option('--limit <n>', 'rows of --log (default 1000)')
    .action(run((_o, cmd: Command) => import('./commands/gc.ts').then((m) => m.gcCommand(globals(cmd)))));
  program
    .command('demo')
    .description("land generated events from the project's generator (examples/shop has one)")
    .option('--from <time>', 'start (default: 48 hours before the current hour)')
    .option('--to <time>', 'end (default: the current hour)')
    .option('--events-per-hour <n>', 'rate', '200')
    .option('--seed <n>', 'random seed', '1')
    .action(run((_o, cmd: Command) => import('./commands/demo.ts').then((m) => m.demoCommand(globals(cmd)))));
  program
    .command('up')
    .description('run the platform: the HTTP collector, the buffer, landing into the lake, and continuous orchestration')
    .option('--port <n>', 'HTTP port (default: collect.port in pond.config.ts, or 8080; 0 picks a free one)')
    .option('--demo', "also send live events from the project's generator through the collector")
    .option('--events-per-hour <n>', 'demo rate', '36000')
    .action(run((_o, cmd: Command) => import('./commands/up.ts').then((m) => m.upCommand(globals(cmd)))));
  program
    .command('check')
    .description(
      'the CI gate: the project loads and typechecks, schema changes are allowed, the plan is valid, pipeline tests pass (exit 0 only when all pass)',
    )
    .option('--base <ref>', 'check stream schemas against their files at this git ref (e.g. origin/main) instead of the registry')
    .action(run((_o, cmd: Command) => import('./commands/check.ts').then((m) => m.checkCommand(globals(cmd)))));
  const schema = program.command('schema').description("the schema registry: versions of each stream's schema and whether a change is allowed");
  schema
    .command('diff [streams...]')
    .description("what changed in each stream's schema since its registered version, and whether its compatibility mode allows it (exit 1 when not)")
    .option('--base <ref>', 'compare with the schema files at this git ref instead of the registry')
    .action(run((names: string[], _o, cmd: Command) => import('./commands/schema.ts').then((m) => m.schemaDiffCommand(names, globals(cmd)))));
  schema
    .command('versions <stream>')
    .description("the registered versions of a stream's schema")
    .action(run((name: string, _o, cmd: Command) => import('./commands/schema.ts').then((m) => m.schemaVersionsCommand(name, globals(cmd)))));
  schema
    .command('show <stream> [version]')
    .description("a registered version of a stream's schema (default: the latest)")
    .action(
      run((name: string, version: string | undefined, _o, cmd: Command) =>
        import('./commands/schema.ts').then((m) => m.schemaShowCommand(name, version, globals(cmd))),
      ),
    );

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (thrown) {
    if (thrown instanceof CommanderError) return thrown.exitCode === 0 ? 0 : 2;
    const error = asPondError(thrown);
    const json = (program.opts() as GlobalOptions).json;
    if (json) process.stderr.write(`${JSON.stringify({ error: error.toJSON() })}\n`);
    else process.stderr.write(`error: ${error.describe()}\n`);
    if (error.code === 'INTERNAL' && process.env.POND_DEBUG) process.stderr.write(`${String((thrown as Error).stack)}\n`);
    return error.exitCode;
  }
}
