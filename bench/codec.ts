/** Placeholder: the codec section arrives with its work. */
export async function run(): Promise<void> {
  process.stdout.write('(no codec benchmark yet)\n');
}
