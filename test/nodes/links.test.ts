/**
 * Issue 14, item 4: flow nodes reach their config node through Node-RED's own registry
 * (RED.nodes.getNode), and the link is what that config node carries; no registry of our own.
 */
import { strict as assert } from 'node:assert';
import { clientConfigNode, serverConfigNode } from '../../src/nodes/common/links';
import type { Node } from '../../src/nodes/common/red-types';

describe('nodes: config nodes found through RED.nodes.getNode', () => {
  const nodes = new Map<string, Node>([
    ['c1', { id: 'c1', type: 'umodbus-client' } as Node],
    ['s1', { id: 's1', type: 'umodbus-server' } as Node],
  ]);
  const asked: string[] = [];
  const getNode = { getNode: (id: string): Node | null => (asked.push(id), nodes.get(id) ?? null) };

  it('finds a config node of the right type by its id', () => {
    assert.equal(clientConfigNode(getNode, 'c1'), nodes.get('c1'));
    assert.equal(serverConfigNode(getNode, 's1'), nodes.get('s1'));
  });

  it('a missing id, an unknown id or a node of another type is no config', () => {
    asked.length = 0;
    assert.equal(clientConfigNode(getNode, undefined), undefined);
    assert.equal(clientConfigNode(getNode, ''), undefined);
    assert.deepEqual(asked, [], 'no lookup without an id');
    assert.equal(clientConfigNode(getNode, 'nope'), undefined);
    assert.equal(clientConfigNode(getNode, 's1'), undefined);
    assert.equal(serverConfigNode(getNode, 'c1'), undefined);
  });
});
