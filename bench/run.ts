/**
 * `npm run bench`: every section in one run, ours side by side with modbus-serial and jsmodbus,
 * printing ratios. `npm run bench -- codec client` runs only the named sections.
 */
type Section = { name: string; load: () => Promise<{ run(): Promise<void> }> };

const SECTIONS: Section[] = [
  { name: 'codec', load: () => import('./codec') },
  { name: 'client', load: () => import('./client') },
  { name: 'server', load: () => import('./server') },
  { name: 'tls', load: () => import('./tls') },
  { name: 'e2e', load: () => import('./e2e/run') },
];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  for (const s of SECTIONS) {
    if (wanted.length > 0 && !wanted.includes(s.name)) continue;
    process.stdout.write(`\n== ${s.name} ==\n`);
    await (await s.load()).run();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
export {};
