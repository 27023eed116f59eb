/**
 * The generated parts of BENCHMARKS.md. Each section of `npm run bench` owns one block between
 * `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->`; a run replaces what is between its
 * sections' markers and leaves every other byte of the file (the hand-written prose) alone.
 */

export function startMarker(name: string): string {
  return `<!-- bench:${name}:start -->`;
}

export function endMarker(name: string): string {
  return `<!-- bench:${name}:end -->`;
}

function count(doc: string, s: string): number {
  let n = 0;
  for (let i = doc.indexOf(s); i >= 0; i = doc.indexOf(s, i + s.length)) n++;
  return n;
}

/** Names of the blocks in `doc`, in order (a start marker with a matching end after it). */
export function blockNames(doc: string): string[] {
  const names: string[] = [];
  const re = /<!-- bench:([a-z0-9-]+):start -->/g;
  for (let m = re.exec(doc); m; m = re.exec(doc)) {
    if (doc.indexOf(endMarker(m[1]), m.index) > m.index) names.push(m[1]);
  }
  return names;
}

/**
 * `doc` with the text between the markers of block `name` replaced by `body` (framed by blank
 * lines so the markdown around it renders). Throws when the block's markers are missing,
 * repeated or out of order: a generator that guessed where to write could overwrite prose.
 */
export function replaceBlock(doc: string, name: string, body: string): string {
  const start = startMarker(name);
  const end = endMarker(name);
  const ns = count(doc, start);
  const ne = count(doc, end);
  if (ns !== 1 || ne !== 1) throw new Error(`BENCHMARKS.md needs exactly one ${start} and one ${end} (found ${ns} and ${ne})`);
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (b < a) throw new Error(`${end} comes before ${start}`);
  return `${doc.slice(0, a + start.length)}\n\n${body.trim()}\n\n${doc.slice(b)}`;
}
