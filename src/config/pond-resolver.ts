/**
 * Lets project files `import … from 'pond'` wherever the project lives, even
 * with no node_modules: a module resolve hook maps the bare name `pond` to
 * this package's authoring API, and `pond/testing` (what test files import) to
 * its testing helper. Registered once, before project files load.
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
  return next(specifier, context);
}`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}
