// Runs deploy/argocd/rollout-health.lua the way Argo CD does: the script is a chunk with a global `obj` (the live
// object), returning a table with `status` and `message`. Uses Debian's lua5.4 interpreter.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { luaLiteral } from './lua-table-literal.js';
import { REPO_ROOT } from './kustomize-render.js';

export const HEALTH_SCRIPT_PATH = join(REPO_ROOT, 'deploy', 'argocd', 'rollout-health.lua');
export const LUA = process.env['VANE_LUA'] ?? 'lua5.4';

export interface ArgoHealth {
  status: string;
  message: string;
}

/** The harness: loads the script text in an environment holding `obj`, runs it, prints status and message. */
function harness(object: unknown, script: string): string {
  return [
    `local obj = ${luaLiteral(object)}`,
    `local script = ${luaLiteral(script)}`,
    'local env = setmetatable({ obj = obj }, { __index = _G })',
    'local chunk = assert(load(script, "=rollout-health.lua", "t", env))',
    'local hs = chunk()',
    'io.write(tostring(hs.status), "\\n", tostring(hs.message))',
  ].join('\n');
}

export function argoHealth(object: unknown, script = readFileSync(HEALTH_SCRIPT_PATH, 'utf8')): Promise<ArgoHealth> {
  return new Promise((resolve, reject) => {
    const child = execFile(LUA, ['-'], (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`${LUA} failed: ${stderr || err.message}`));
        return;
      }
      const [status = '', ...message] = stdout.split('\n');
      resolve({ status, message: message.join('\n') });
    });
    child.stdin?.end(harness(object, script));
  });
}
