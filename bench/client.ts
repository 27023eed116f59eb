/** Placeholder: the client section arrives with its work. */
export async function run(): Promise<void> {
  process.stdout.write('(no client benchmark yet)\n');
}
