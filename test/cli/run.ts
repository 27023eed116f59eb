/** Running the built `umodbus` command as a child process, for the CLI tests. */
import { execFile } from 'node:child_process';
import * as path from 'node:path';

export const MAIN = path.resolve(__dirname, '../../src/cli/main.js');

export interface Run { code: number; stdout: string; stderr: string }

/** Run `umodbus ...args` to its end (10 s at most) and collect what it said. */
export function umodbus(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { timeout: 10_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export { freePort } from '../fixtures/free-port';
