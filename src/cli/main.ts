#!/usr/bin/env node
/** The `umodbus` command: dispatches to read, write and serve. */
const commands: Record<string, () => Promise<{ run(argv: string[]): Promise<number> }>> = {
  read: () => import('./read'),
  write: () => import('./write'),
  serve: () => import('./serve'),
};

const USAGE = 'usage: umodbus <read|write|serve> [options]   (umodbus <command> --help for options)\n';

async function main(argv: string[]): Promise<number> {
  const load = commands[argv[0] ?? ''];
  if (!load) {
    process.stderr.write(USAGE);
    return 2;
  }
  return (await load()).run(argv.slice(1));
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`umodbus: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
export {};
