/**
 * Builds the fixed C reference programs (refserver, refclient) into bench/ref/bin/ when they are
 * missing or older than their sources. The C sources are not copied into this repository: they are
 * compiled from the shared bench-ref directory, found at $UMODBUS_BENCH_REF, else
 * <repo>/../shared/bench-ref, else /work/shared/bench-ref.
 *
 * Run on its own: `node dist/bench/ref/build.js` (prints the binary paths).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface RefBinaries { dir: string; refserver: string; refclient: string }

/** The repository root: dist/bench/ref/build.js sits three levels below it, bench/ref/build.ts two. */
export function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error(`cannot find the repository root above ${__dirname}`);
}

/** Where refserver.c and refclient.c are. */
export function refSourceDir(): string {
  const candidates = [
    process.env.UMODBUS_BENCH_REF,
    path.resolve(repoRoot(), '..', 'shared', 'bench-ref'),
    '/work/shared/bench-ref',
  ];
  for (const c of candidates) {
    if (c && fs.existsSync(path.join(c, 'refserver.c')) && fs.existsSync(path.join(c, 'refclient.c'))) return c;
  }
  throw new Error(
    `C reference sources not found (tried ${candidates.filter(Boolean).join(', ')}); set UMODBUS_BENCH_REF`,
  );
}

function libmodbusFlags(): string[] {
  try {
    return execFileSync('pkg-config', ['--cflags', '--libs', 'libmodbus'], { encoding: 'utf8' })
      .trim().split(/\s+/).filter((s) => s.length > 0);
  } catch {
    throw new Error('pkg-config cannot find libmodbus: apt-get install -y libmodbus-dev pkg-config');
  }
}

function stale(bin: string, src: string): boolean {
  if (!fs.existsSync(bin)) return true;
  return fs.statSync(bin).mtimeMs < fs.statSync(src).mtimeMs;
}

/** Compiles what is missing or stale; returns the binary paths. */
export function ensureRefBinaries(log: (line: string) => void = () => undefined): RefBinaries {
  const src = refSourceDir();
  const dir = path.join(repoRoot(), 'bench', 'ref', 'bin');
  fs.mkdirSync(dir, { recursive: true });
  const out: RefBinaries = { dir, refserver: path.join(dir, 'refserver'), refclient: path.join(dir, 'refclient') };
  let flags: string[] | undefined;
  for (const name of ['refserver', 'refclient'] as const) {
    const c = path.join(src, `${name}.c`);
    if (!stale(out[name], c)) continue;
    flags ??= libmodbusFlags();
    const args = ['-O2', '-Wall', '-pthread', '-o', out[name], c, ...flags];
    log(`gcc ${args.join(' ')}`);
    execFileSync('gcc', args, { stdio: ['ignore', 'inherit', 'inherit'] });
  }
  return out;
}

if (require.main === module) {
  const b = ensureRefBinaries((l) => process.stdout.write(`${l}\n`));
  process.stdout.write(`${b.refserver}\n${b.refclient}\n`);
}
