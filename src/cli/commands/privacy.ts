/**
 * `pond privacy`: every stream and dataset that holds personal data, with its
 * identifier and personal columns and where each class comes from (declared
 * in a schema or definition, derived `from users.email`, or guessed `by name`
 * for a TypeScript dataset that declares nothing), and which datasets read
 * personal data in clear (`decrypt`). Reads only the project code: no state,
 * no lake.
 */
import { loadProject } from '../../config/index.ts';
import { classifyProject, duckdbSqlParser, privacyReport, type NodePrivacy } from '../../privacy/index.ts';
import { openEngine } from '../../compute/index.ts';
import { projectDir, type GlobalOptions } from '../context.ts';
import { printJson } from '../output.ts';

export async function privacyCommand(options: GlobalOptions): Promise<number> {
  const project = await loadProject(projectDir(options));
  const engine = await openEngine({ threads: 1 });
  let privacy: Map<string, NodePrivacy>;
  try {
    const session = await engine.connect();
    try {
      privacy = await classifyProject(project, duckdbSqlParser(session));
    } finally {
      session.close();
    }
  } finally {
    engine.close();
  }
  const report = privacyReport(privacy);
  const { personalData: holding, noPersonalData: without } = report;
  if (options.json) {
    printJson(report);
    return 0;
  }
  if (holding.length === 0) {
    console.log('No stream or dataset holds personal data that is declared.');
    console.log('Mark fields in a stream\'s JSON Schema with "x-pond-pii": "identifier" (it identifies the data subject) or "personal".');
    return 0;
  }
  console.log(`${holding.length} of ${privacy.size} streams and datasets hold personal data:\n`);
  for (const node of holding) {
    console.log(`${node.name} (${node.kind}, ${node.file})${node.unverified ? '  UNVERIFIED' : ''}`);
    const line = (label: string, cls: 'identifier' | 'personal') => {
      const cols = node.columns.filter((c) => c.class === cls);
      if (cols.length > 0) console.log(`  ${label} ${cols.map((c) => `${c.column} (${c.source})`).join(', ')}`);
    };
    line('identifiers:', 'identifier');
    line('personal:   ', 'personal');
    if (node.decrypts.length > 0)
      console.log(`  reads in clear (decrypt): ${node.decrypts.join(', ')}; its personal columns hold clear values: give it a retention`);
    if (node.unverified)
      console.log(
        '  a TypeScript transformation over personal data: classes guessed by column name; declare pii: { identifiers, personal, none } to confirm them',
      );
    console.log('');
  }
  if (without.length > 0) console.log(`No personal data: ${without.join(', ')}`);
  return 0;
}
