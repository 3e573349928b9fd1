/**
 * `pond check`: the gate a project's CI runs. Steps, each with one line:
 * the project loads; its TypeScript typechecks; its SQL binds against its
 * inputs' columns; each stream's schema change
 * is allowed by its compatibility mode (against the registry, or against a
 * git ref with `--base`); the plan is valid; the pipeline tests pass.
 * Exit 0 when every step passes, 1 when one fails, 2 when the project cannot
 * be loaded or an argument is wrong. Nothing is built and no schema is
 * registered; a missing state database is not created.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE, loadProject, type Project } from '../../config/index.ts';
import { asPondError } from '../../errors/index.ts';
import { plan } from '../../orchestrate/index.ts';
import { compareProjectSchemas, gitSchemaHistory, registryHistory, type SchemaHistory } from '../../schema/index.ts';
import { checkProject } from '../../validate/index.ts';
import type { VersionStore, StreamActivityStore } from '../../state/index.ts';
import { projectDir, type GlobalOptions } from '../context.ts';
import { printJson } from '../output.ts';
import { describePlan } from './build.ts';
import { openRegistryState, type RegistryState } from './schema.ts';

export interface CheckCommandOptions extends GlobalOptions {
  /** A git ref whose schema files the stream schemas are checked against, instead of the registry. */
  base?: string;
}

export type StepStatus = 'passed' | 'failed' | 'skipped';

/** One step of the gate: one line for people, and the details under it. */
export interface CheckStep {
  /** `project`, `typecheck`, `sql`, `schemas`, `plan`, `tests`. */
  readonly name: string;
  readonly title: string;
  readonly status: StepStatus;
  /** One line: what was checked, or what failed. */
  readonly summary: string;
  /** Lines under it: errors with file:line, changes with the property and the rule. */
  readonly details: readonly string[];
}

export async function checkCommand(options: CheckCommandOptions): Promise<number> {
  const dir = projectDir(options);
  const steps: CheckStep[] = [];
  const report = (step: CheckStep): void => {
    steps.push(step);
    if (!options.json) printStep(step);
  };
  if (!options.json) console.log(`pond check: ${dir}`);

  let project: Project | undefined;
  let base: SchemaHistory | undefined;
  try {
    project = await loadProject(dir);
    // A --base that is not a commit is a bad argument (exit 2), not a failed step.
    if (options.base !== undefined) base = gitSchemaHistory(project.dir, options.base);
    report(
      step(
        'project',
        'project loads',
        'passed',
        `${project.streams.size} stream${project.streams.size === 1 ? '' : 's'}, ${project.datasets.size} dataset${project.datasets.size === 1 ? '' : 's'}`,
      ),
    );
  } catch (error) {
    if (project !== undefined) throw error;
    report(step('project', 'project loads', 'failed', 'the project cannot be loaded', asPondError(error).describe().split('\n')));
  }
  // The typecheck needs only the files: when loading failed, its errors often say why, with the line.
  if (project !== undefined || existsSync(path.join(dir, CONFIG_FILE))) report(await typecheckStep(dir));
  if (project === undefined) {
    for (const [name, title] of [
      ['sql', 'SQL binds'],
      ['schemas', 'schemas are compatible'],
      ['plan', 'plan is valid'],
      ['tests', 'pipeline tests pass'],
    ] as const)
      report(step(name, title, 'skipped', 'the project did not load'));
    return finish(steps, options, 2);
  }

  // Without a state database (a fresh clone) an empty one in memory stands in: nothing is created.
  let registry: RegistryState | undefined;
  let unavailable: readonly string[] = [];
  try {
    registry = await openRegistryState(project);
  } catch (error) {
    unavailable = asPondError(error).describe().split('\n');
  }
  try {
    report(await sqlStep(project, registry?.state));
    if (base !== undefined) report(await schemasStep(project, base, undefined));
    else if (registry !== undefined) report(await schemasStep(project, registryHistory(registry.state, registry.source), registry));
    else report(step('schemas', 'schemas are compatible', 'failed', 'cannot open the state store', unavailable));
    report(
      registry !== undefined ? await planStep(project, registry.state) : step('plan', 'plan is valid', 'failed', 'cannot open the state store', unavailable),
    );
  } finally {
    await registry?.state.close();
  }
  report(await pipelineTestsStep(project, {}));
  return finish(steps, options, steps.some((s) => s.status === 'failed') ? 1 : 0);
}

function step(name: string, title: string, status: StepStatus, summary: string, details: readonly string[] = []): CheckStep {
  return Object.freeze({ name, title, status, summary, details: Object.freeze([...details]) });
}

function finish(steps: readonly CheckStep[], options: CheckCommandOptions, code: number): number {
  const failed = steps.filter((s) => s.status === 'failed');
  if (options.json) printJson({ ok: code === 0, exitCode: code, steps });
  else if (code === 0) console.log('\nAll checks passed.');
  else console.log(`\n${failed.length} step${failed.length === 1 ? '' : 's'} failed: ${failed.map((s) => s.name).join(', ')}.`);
  return code;
}

function printStep(s: CheckStep): void {
  const mark = s.status === 'passed' ? '✓' : s.status === 'failed' ? '✗' : '-';
  console.log(`${mark} ${s.title}: ${s.summary}`);
  const shown = s.details.slice(0, 50);
  for (const line of shown) console.log(`    ${line}`);
  if (s.details.length > shown.length) console.log(`    … and ${s.details.length - shown.length} more`);
}

/** (b) The project's TypeScript files typecheck. */
export async function typecheckStep(dir: string): Promise<CheckStep> {
  const title = 'typecheck';
  try {
    // Loaded here: the compiler takes a second to load, and only this step needs it.
    const { typecheckProject } = await import('../../typecheck/index.ts');
    const result = typecheckProject(dir);
    const files = `${result.files} file${result.files === 1 ? '' : 's'}, ${result.settings}`;
    if (result.errors.length === 0) return step('typecheck', title, 'passed', `${files}: no errors`);
    const lines = result.errors.map(
      (e) => `${e.file === undefined ? '' : `${e.file}:${e.line}:${e.column}: `}${e.code}: ${e.message.replaceAll('\n', '\n      ')}`,
    );
    return step('typecheck', title, 'failed', `${result.errors.length} error${result.errors.length === 1 ? '' : 's'} in ${files}`, lines);
  } catch (error) {
    return step('typecheck', title, 'failed', 'the TypeScript compiler could not run', asPondError(error).describe().split('\n'));
  }
}

/**
 * (c) Every SQL transformation binds against its inputs' columns (see
 * validate/): what `pond build` and `pond up` check before they start.
 */
export async function sqlStep(project: Project, versions: (VersionStore & StreamActivityStore) | undefined): Promise<CheckStep> {
  const title = 'SQL binds';
  try {
    const { bound, skipped, errors } = (await checkProject(project, { typecheck: false, versions })).sql;
    const total = bound.length + skipped.length + errors.length;
    const parts = [
      `${bound.length} SQL dataset${bound.length === 1 ? '' : 's'} bound against ${bound.length === 1 ? 'its' : 'their'} inputs' columns`,
      errors.length > 0 && `${errors.length} do${errors.length === 1 ? 'es' : ''} not bind`,
      skipped.length > 0 && `${skipped.length} not bound before a build`,
    ].filter(Boolean);
    const summary = total === 0 ? 'no SQL datasets' : parts.join(', ');
    const notes = skipped.map((s) => `${s.dataset}: not bound: ${s.reason}`);
    if (errors.length === 0) return step('sql', title, 'passed', summary, notes);
    return step('sql', title, 'failed', summary, [...errors.flatMap((e) => e.describe().split('\n')), ...notes]);
  } catch (error) {
    return step('sql', title, 'failed', 'the SQL could not be bound', asPondError(error).describe().split('\n'));
  }
}

/**
 * (d) Every stream's schema change is allowed by its mode. `registry` is given
 * when the history is the registry, to say when it is empty (a fresh clone).
 */
export async function schemasStep(project: Project, history: SchemaHistory, registry: RegistryState | undefined): Promise<CheckStep> {
  const title = 'schemas are compatible';
  try {
    const reports = await compareProjectSchemas(project.streams.values(), history);
    const count = (status: string) => reports.filter((r) => r.status === status).length;
    if (registry !== undefined && count('new') === reports.length) {
      const why = registry.exists ? 'no stream has a registered schema' : 'there is no state database yet';
      return step(
        'schemas',
        title,
        'passed',
        `${registry.source} is empty (${why}): nothing to compare against; \`--base <git-ref>\` compares with the schema files at a branch or commit`,
      );
    }
    const refused = reports.filter((r) => r.status === 'incompatible');
    const parts = [
      count('unchanged') && `${count('unchanged')} unchanged`,
      count('compatible') && `${count('compatible')} changed compatibly`,
      count('new') && `${count('new')} new`,
      refused.length && `${refused.length} changed in a way ${refused.length === 1 ? 'its mode does' : 'their modes do'} not allow`,
    ].filter(Boolean);
    const summary = `${parts.join(', ') || 'no streams'}, against ${history.source}`;
    if (refused.length === 0) return step('schemas', title, 'passed', summary);
    const details = refused.flatMap((r) => r.changes.filter((c) => !c.allowed).map((c) => c.message));
    details.push(
      'revert the change, make it compatible, or set another mode (`compatibility` on the stream, `schemaCompatibility` in pond.config.ts); `pond schema diff` shows every change',
    );
    return step('schemas', title, 'failed', summary, details);
  } catch (error) {
    return step('schemas', title, 'failed', `cannot compare against ${history.source}`, asPondError(error).describe().split('\n'));
  }
}

/** (e) The planner runs on the project against the state store, building nothing. */
export async function planStep(project: Project, state: VersionStore & StreamActivityStore): Promise<CheckStep> {
  const title = 'plan is valid';
  try {
    const p = await plan(project, state, { now: Date.now() });
    const { total } = describePlan(p, undefined);
    return step(
      'plan',
      title,
      'passed',
      `${project.order.length} dataset${project.order.length === 1 ? '' : 's'} in dependency order; ${total} partition${total === 1 ? '' : 's'} would be built now`,
    );
  } catch (error) {
    return step('plan', title, 'failed', 'the planner failed', asPondError(error).describe().split('\n'));
  }
}

/**
 * (f) The project's pipeline tests pass: the runner `pond test` uses, in a
 * child process. A project without tests skips the step (it says so); a
 * failing test fails it, with the failing tests named.
 */
export async function pipelineTestsStep(project: Project, options: { signal?: AbortSignal }): Promise<CheckStep> {
  const title = 'pipeline tests pass';
  const { findTestFiles, runProjectTests } = await import('../../testing/index.ts');
  try {
    findTestFiles(project);
  } catch (error) {
    const e = asPondError(error);
    if (e.code === 'NOT_FOUND') return step('tests', title, 'skipped', `${e.message}; write pipeline tests with pond/testing (see \`pond test\`)`);
    throw e;
  }
  try {
    const result = await runProjectTests(project.dir, { project, signal: options.signal });
    const counts = `${result.passed} passed, ${result.failed} failed in ${result.files.length} file${result.files.length === 1 ? '' : 's'} (${(result.durationMs / 1000).toFixed(1)} s)`;
    if (result.ok) return step('tests', title, 'passed', counts);
    return step('tests', title, 'failed', `${counts}; run \`pond test\` to see the failures in full`, result.failures);
  } catch (error) {
    return step('tests', title, 'failed', 'the tests could not run', asPondError(error).describe().split('\n'));
  }
}
