import { dirname, extname, join } from 'node:path';

/**
 * How to start the worker-thread script `name` that sits beside the calling module (pass its `__filename`): the
 * compiled `.js` in a build (dist), or the `.ts` when running from TypeScript sources (jest, `node -r
 * @swc-node/register`), which the thread then loads through the same register hook. Give both to `new Worker`.
 */
export function threadScript(callerFilename: string, name: string): { readonly script: string; readonly execArgv: string[] } {
  const ext = extname(callerFilename);
  return { script: join(dirname(callerFilename), `${name}${ext}`), execArgv: ext === '.ts' ? ['-r', '@swc-node/register'] : [] };
}
