/** Placeholder: the server section arrives with its work. */
export async function run(): Promise<void> {
  process.stdout.write('(no server benchmark yet)\n');
}
