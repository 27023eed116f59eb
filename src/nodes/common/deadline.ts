/** Close must always finish: Node-RED waits at most 15 s for a node, we promise about 2 s. */
export const CLOSE_DEADLINE_MS = 2000;

/**
 * Resolve when `work` settles or after `ms`, whichever is first; never rejects, and the timer is
 * cleared either way so nothing keeps the process alive.
 */
export function withDeadline(work: Promise<unknown>, ms = CLOSE_DEADLINE_MS): Promise<'done' | 'late' | 'failed'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('late'), ms);
    work.then(
      () => { clearTimeout(timer); resolve('done'); },
      () => { clearTimeout(timer); resolve('failed'); },
    );
  });
}
