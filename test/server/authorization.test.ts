/** Issue 17: the role rules on their own, as tables: who may read and write, per unit, and the map's checks. */
import { strict as assert } from 'node:assert';
import { AccessPolicy, accessOf, parseAccessRule, parseMapConfig, permits } from '../../src/server';

describe('authorisation by role (Modbus/TCP Security)', () => {
  it('classifies function codes: pure writes write, FC 23 both, the rest read', () => {
    for (const fc of [5, 6, 15, 16, 21, 22]) assert.deepEqual(accessOf(fc), { reads: false, writes: true }, `FC ${fc}`);
    assert.deepEqual(accessOf(23), { reads: true, writes: true });
    for (const fc of [1, 2, 3, 4, 7, 8, 11, 12, 17, 20, 24, 43, 0x41]) assert.deepEqual(accessOf(fc), { reads: true, writes: false }, `FC ${fc}`);
  });

  it('a list given names the only roles allowed; a list left out allows anyone, with a role or not', () => {
    const rule = { read: ['Operator', 'Viewer'], write: ['Operator'] };
    const cases: [string | undefined, number, boolean][] = [
      ['Operator', 3, true], ['Operator', 6, true], ['Operator', 23, true],
      ['Viewer', 3, true], ['Viewer', 6, false], ['Viewer', 23, false],
      [undefined, 3, false], [undefined, 6, false], ['operator', 6, false],
    ];
    for (const [role, fc, ok] of cases) assert.equal(permits(rule, role, accessOf(fc)), ok, `${role} FC ${fc}`);
    assert.equal(permits({ write: ['Operator'] }, undefined, accessOf(3)), true, 'read not listed: anyone reads');
    assert.equal(permits({ write: [] }, 'Operator', accessOf(6)), false, 'an empty list allows no one');
    assert.equal(permits(undefined, undefined, accessOf(6)), true, 'no rule: anyone');
  });

  it('the map\'s rule per unit: a unit\'s own map, else the "*" map; a flat map for every unit', () => {
    const perUnit = new AccessPolicy({ units: { 1: { access: { write: ['A'] } }, 2: {}, '*': { access: { write: ['B'] } } } });
    assert.equal(perUnit.active, true);
    assert.deepEqual(perUnit.forUnit(1), { write: ['A'] });
    assert.equal(perUnit.forUnit(2), undefined, 'unit 2 has a map of its own without a rule: open');
    assert.deepEqual(perUnit.forUnit(9), { write: ['B'] });
    const flat = new AccessPolicy({ access: { read: ['R'] } });
    assert.deepEqual(flat.forUnit(200), { read: ['R'] });
    assert.equal(new AccessPolicy({ holdingRegisters: { size: 2 } }).active, false);
    assert.equal(new AccessPolicy(undefined).active, false);
  });

  it('the map parser takes "access" and refuses a bad one, naming the field', () => {
    assert.deepEqual(parseMapConfig({ access: { read: ['a'], write: [] } }), { access: { read: ['a'], write: [] } });
    assert.throws(() => parseMapConfig({ access: { delete: ['a'] } }), /access\.delete: is not an access field/);
    assert.throws(() => parseMapConfig({ access: { write: 'Operator' } }), /access\.write: must be a list of role names/);
    assert.throws(() => parseMapConfig({ access: ['Operator'] }), /access: must be an object/);
    assert.throws(() => parseMapConfig({ units: { 3: { access: { write: [''] } } } }), /units\.3\.access\.write/);
    const fail = (field: string, why: string): never => { throw new Error(`${field} ${why}`); };
    assert.deepEqual(parseAccessRule({ write: ['x'] }, 'r', fail), { write: ['x'] });
  });
});
