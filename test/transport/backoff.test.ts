import { strict as assert } from 'node:assert';
import { Backoff } from '../../src/transport';

describe('Backoff', () => {
  it('grows exponentially within [base/2, base], clamped to [min, max]', () => {
    const hi = new Backoff(100, 1000, () => 1);
    assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => hi.next()), [100, 200, 400, 800, 1000, 1000]);
    const lo = new Backoff(100, 1000, () => 0);
    assert.deepEqual([1, 2, 3, 4, 5].map(() => lo.next()), [100, 100, 200, 400, 500]);
  });

  it('jitters: random draws spread the delays', () => {
    const b = new Backoff(100, 100_000);
    const seen = new Set<number>();
    for (let i = 0; i < 20; i++) {
      b.reset();
      for (let k = 0; k < 5; k++) b.next();
      seen.add(Math.round(b.next()));
    }
    assert.ok(seen.size > 5, `only ${seen.size} distinct delays`);
  });

  it('reset() starts over; huge attempt counts do not overflow', () => {
    const b = new Backoff(10, 50, () => 1);
    for (let i = 0; i < 2000; i++) assert.ok(b.next() <= 50);
    b.reset();
    assert.equal(b.next(), 10);
  });
});
