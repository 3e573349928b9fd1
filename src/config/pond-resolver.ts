/**
 * Lets project files `import … from 'pond'` wherever the project lives, even
 * with no node_modules: a module resolve hook maps the bare name `pond` to
 * this package's authoring API, and `pond/testing` (what test files import) to
 * its testing helper. Registered once, before project files load.
 *
 * It also lets a process load a project again after its files changed
 * (`pond up`): ES modules are cached by URL, so a reload imports the project's
 * files as `file.ts?pond-gen=N`, and the hook gives every file such a file
 * imports (outside node_modules) the same `pond-gen`, so the whole project is
 * read afresh, not just the files named at the top.
 */
import { register } from 'node:module';

let registered = false;

export function registerPondResolver(): void {
  if (registered) return;
  registered = true;
  const targets = {
    pond: new URL('../define/index.ts', import.meta.url).href,
    'pond/testing': new URL('../testing/index.ts', import.meta.url).href,
  };
  const hook = `const targets = ${JSON.stringify(targets)};
export async function resolve(specifier, context, next) {
  if (Object.hasOwn(targets, specifier)) return { url: targets[specifier], shortCircuit: true, format: 'module' };
  const resolved = await next(specifier, context);
  const gen = context.parentURL === undefined ? null : /[?&]pond-gen=(\\d+)/.exec(context.parentURL);
  if (gen && resolved.url.startsWith('file:') && !resolved.url.includes('/node_modules/') && !resolved.url.includes('?'))
    return { ...resolved, url: resolved.url + '?pond-gen=' + gen[1] };
  return resolved;
}`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}
