/** Placeholder until the engine lands. */
export async function run(_argv: string[]): Promise<number> {
  process.stderr.write('umodbus write: not implemented yet\n');
  return 2;
}
