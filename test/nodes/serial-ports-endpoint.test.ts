/**
 * The serial port picker's admin endpoint in a real Node-RED with adminAuth: it lists what
 * SerialPort sees only for users holding umodbus-client.read (or read), and refuses anyone
 * else. node-red-node-test-helper stubs needsPermission out, so this runs Node-RED itself, in a
 * throw-away user directory on a free port, stopped by its own PID.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listSerialPorts, SERIAL_PORTS_PATH } from '../../src/nodes/common/serial-ports';
import { startNodeRed, type RunningNodeRed } from './node-red-child';

const PASSWORD = 'umodbus-test';

function adminAuth(): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bcrypt = require('bcryptjs') as { hashSync(s: string, rounds: number): string };
  const hash = bcrypt.hashSync(PASSWORD, 4);
  return { type: 'credentials', users: [
    { username: 'reader', password: hash, permissions: 'read' },
    { username: 'picker', password: hash, permissions: 'umodbus-client.read' },
    { username: 'flows', password: hash, permissions: 'flows.read' },
  ] };
}

describe('serial port picker endpoint in Node-RED with adminAuth', function () {
  this.timeout(60000);
  let nr: RunningNodeRed | undefined;
  let userDir: string;

  before(async () => {
    userDir = mkdtempSync(join(tmpdir(), 'umodbus-nodes-admin-'));
    nr = await startNodeRed(userDir, { adminAuth: adminAuth() });
  });
  after(async () => {
    await nr?.stop();
    rmSync(userDir, { recursive: true, force: true });
  });

  async function token(username: string, scope: string): Promise<string> {
    const res = await fetch(`${nr!.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'node-red-editor', grant_type: 'password', scope, username, password: PASSWORD }),
    });
    assert.equal(res.status, 200, `token for ${username}: ${await res.clone().text()}`);
    return ((await res.json()) as { access_token: string }).access_token;
  }

  const get = (bearer?: string): Promise<Response> =>
    fetch(`${nr!.url}${SERIAL_PORTS_PATH}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });

  it('refuses a request without a login', async () => {
    assert.equal((await get()).status, 401);
  });

  it('refuses a user without umodbus-client.read', async () => {
    assert.equal((await get(await token('flows', 'flows.read'))).status, 401);
  });

  for (const [user, scope] of [['reader', 'read'], ['picker', 'umodbus-client.read']] as const) {
    it(`lists the ports SerialPort sees for a user with ${scope}`, async () => {
      const res = await get(await token(user, scope));
      assert.equal(res.status, 200, nr!.log());
      const ports = (await res.json()) as { path: string; readable: boolean; writable: boolean }[];
      assert.deepEqual(ports, JSON.parse(JSON.stringify(await listSerialPorts())), 'the same list this machine gives');
      for (const p of ports) assert.deepEqual([typeof p.path, typeof p.readable, typeof p.writable], ['string', 'boolean', 'boolean']);
    });
  }
});
