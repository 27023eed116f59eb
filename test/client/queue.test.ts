import { strict as assert } from 'node:assert';
import { FairQueue, Pending } from '../../src/client/queue';

function make(q: FairQueue, unitId: number, tag: number): Pending {
  return new Pending(q.unit(unitId), { fc: 3, address: tag, quantity: 1 }, Buffer.alloc(0), 100, 0, () => {}, () => {});
}

function order(q: FairQueue): string[] {
  const out: string[] = [];
  for (let p = q.shift(); p; p = q.shift()) out.push(`${p.unit.unitId}:${(p.req as { address: number }).address}`);
  return out;
}

describe('FairQueue', () => {
  it('serves units round-robin, FIFO within a unit', () => {
    const q = new FairQueue();
    for (let i = 0; i < 3; i++) q.push(make(q, 1, i));
    q.push(make(q, 2, 0));
    q.push(make(q, 0, 0));
    q.push(make(q, 2, 1));
    assert.equal(q.size, 6);
    assert.deepEqual(order(q), ['1:0', '2:0', '0:0', '1:1', '2:1', '1:2']);
    assert.equal(q.size, 0);
  });

  it('puts a retry back at the front of its unit', () => {
    const q = new FairQueue();
    q.push(make(q, 1, 0));
    q.push(make(q, 1, 1));
    const p = q.shift() as Pending;
    q.unshift(p);
    assert.deepEqual(order(q), ['1:0', '1:1']);
  });

  it('drains everything and can be used again', () => {
    const q = new FairQueue();
    for (let u = 1; u <= 5; u++) q.push(make(q, u, u));
    assert.equal(q.drain().length, 5);
    assert.equal(q.size, 0);
    assert.equal(q.shift(), undefined);
    q.push(make(q, 3, 9));
    assert.deepEqual(order(q), ['3:9']);
  });
});
