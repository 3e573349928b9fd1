/**
 * Lets project files `import … from 'pond'` wherever the project lives, even
 * with no node_modules: a module resolve hook maps the bare name `pond` to
 * this package's authoring API. Registered once, before project files load.
 */
import { register } from 'node:module';

let registered = false;

export function registerPondResolver(): void {
  if (registered) return;
  registered = true;
  const target = new URL('../define/index.ts', import.meta.url).href;
  const hook = `export async function resolve(specifier, context, next) {
  if (specifier === 'pond') return { url: ${JSON.stringify(target)}, shortCircuit: true, format: 'module' };
  return next(specifier, context);
}`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}
