/**
 * Every umodbus-client option, shown by what it does on the wire with the real engines: a real
 * umodbus-server (or a bare TCP listener) on 127.0.0.1 and socat pty pairs for the serial line.
 * client.test.ts shows the same options reach the engine unchanged; this file shows they work.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { allNodes, catchAll, collect, delay, helper, node, onTab, statusArgs, waitFor, serverLink } from './helpers';
import { freePort, ptyPair, type PtyPair } from './real-io';

type N = Record<string, unknown> & { id: string; type: string };
type Caught = { error: { code: string; cause: { kind: string } } };

const tail: N[] = [{ id: 'out', type: 'helper' }, catchAll('catch', 'caught'), { id: 'caught', type: 'helper' }];

/** A server whose FC 3 route sends every request to helper `held` and never answers by itself. */
function holdingServer(port: number): N[] {
  return [
    { id: 's1', type: 'umodbus-server', transport: 'tcp', host: '127.0.0.1', port, replyTimeout: 10000, memoryMap: '{"holdingRegisters":{"start":0,"size":10}}' },
    { id: 'rt', type: 'umodbus-server-route', server: 's1', functionCodes: '3', wires: [['held']] },
    { id: 'held', type: 'helper' },
  ];
}

const read = (id: string, client: string, over: Record<string, unknown> = {}): N =>
  ({ id, type: 'umodbus-read', client, unitId: 1, fc: 3, address: 0, quantity: 1, wires: [['out']], ...over });

/** What `stty` says about a tty while a node holds it open: the kernel's view, not ours. */
function tty(path: string): { speed: number; cstopb: boolean } {
  const text = execFileSync('stty', ['-F', path, '-a'], { encoding: 'utf8' });
  const speed = /speed (\d+) baud/.exec(text);
  return { speed: speed ? Number(speed[1]) : NaN, cstopb: /(^|\s)cstopb(\s|$)/.test(text) };
}

describe('umodbus-client options on the wire (real engines)', function () {
  this.timeout(20000);
  let port: number;
  const ptys: PtyPair[] = [];
  let listener: Server | undefined;
  beforeEach(async () => { port = await freePort(); });
  afterEach(async () => {
    await helper.unload();
    for (const p of ptys.splice(0)) await p.close();
    if (listener) await new Promise<void>((r) => listener!.close(() => r()));
    listener = undefined;
  });

  it('timeout and retries: a read is sent 1 + retries times, each waiting `timeout` ms, then fails as a timeout', async () => {
    await helper.load(allNodes, onTab(...holdingServer(port),
      { id: 'c1', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port, timeout: 200, retries: 2 },
      { id: 'c2', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port, timeout: 200, retries: 0 },
      read('r1', 'c1', { unitId: 1 }), read('r2', 'c2', { unitId: 2 }), ...tail));
    const held = collect('held');
    const caught = collect('caught') as unknown as Caught[];
    const started = Date.now();
    node('r1').receive({});
    node('r2').receive({});
    await waitFor(() => caught.length === 2, 'both reads give up', 5000);
    const took = Date.now() - started;
    const sent = (unit: number): number => held.filter((m) => (m.payload as { unitId: number }).unitId === unit).length;
    assert.equal(sent(1), 3, 'retries 2: three sends');
    assert.equal(sent(2), 1, 'retries 0: one send');
    assert.deepEqual(caught.map((m) => m.error.cause.kind), ['timeout', 'timeout']);
    assert.ok(took >= 3 * 200 - 20, `three timeouts of 200 ms took ${took} ms`);
  });

  it('maxInFlight: that many requests are at the server at once, and no more', async () => {
    await helper.load(allNodes, onTab(...holdingServer(port),
      { id: 'c1', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port, timeout: 5000, maxInFlight: 3 },
      { id: 'c2', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port, timeout: 5000, maxInFlight: 1 },
      read('r1', 'c1', { unitId: 1 }), read('r2', 'c2', { unitId: 2 }), ...tail));
    const held = collect('held');
    const out = collect('out');
    for (let i = 0; i < 5; i++) {
      node('r1').receive({ payload: { address: i } });
      node('r2').receive({ payload: { address: i } });
    }
    await waitFor(() => held.length === 4, 'three plus one requests at the server', 5000);
    await delay(200);
    const at = (unit: number): number => held.filter((m) => (m.payload as { unitId: number }).unitId === unit).length;
    assert.equal(at(1), 3, 'maxInFlight 3');
    assert.equal(at(2), 1, 'maxInFlight 1');
    // Answer everything as it arrives: the rest follow, and every read completes.
    const answered = new Set<unknown>();
    const answer = (): void => {
      for (const m of held) {
        if (answered.has(m)) continue;
        answered.add(m);
        node('rt').receive({ ...m, payload: [(m.payload as { address: number }).address] });
      }
    };
    node('held').on('input', () => setImmediate(answer));
    answer();
    await waitFor(() => out.length === 10, 'all ten reads answered', 5000);
    assert.equal(held.length, 10);
  });

  it('queueLimit: beyond it a request fails at once as queue-full', async () => {
    await helper.load(allNodes, onTab(...holdingServer(port),
      { id: 'c1', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port, timeout: 3000, maxInFlight: 1, queueLimit: 2 },
      read('r1', 'c1'), ...tail));
    await waitFor(() => statusArgs(node('r1')).at(-1)?.fill === 'green', 'connected', 5000);
    const caught = collect('caught') as unknown as Caught[];
    const started = Date.now();
    // One goes on the wire, two wait in the queue, the last two find it full.
    for (let i = 0; i < 5; i++) node('r1').receive({ payload: { address: i } });
    await waitFor(() => caught.length === 2, 'two refused', 2000);
    assert.ok(Date.now() - started < 1000, 'refused at once, not after a timeout');
    await delay(100);
    assert.equal(caught.length, 2);
    assert.deepEqual(caught.map((m) => m.error.code), ['EMODBUS_QUEUE_FULL', 'EMODBUS_QUEUE_FULL']);
  });

  it('reconnect min: after a lost connection the next attempt waits at least reconnectMin', async () => {
    // A listener that accepts and hangs up at once: every connect works, every link is lost.
    const times: number[] = [];
    listener = createServer((s: Socket) => { times.push(Date.now()); s.destroy(); });
    await new Promise<void>((r) => listener!.listen(port, '127.0.0.1', () => r()));
    await helper.load(allNodes, onTab({ id: 'c1', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port, reconnectMin: 300, reconnectMax: 300 }, read('r1', 'c1')));
    await waitFor(() => times.length >= 4, 'four connections', 5000);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    for (const g of gaps) assert.ok(g >= 280, `gaps ${gaps.join(', ')} ms`);
  });

  it('reconnect max: refused attempts back off up to reconnectMax and no further', async () => {
    // Nothing listens on `port`: every attempt is refused and the backoff grows.
    const refusedPort = port;
    await helper.load(allNodes, onTab(
      { id: 'c1', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port: refusedPort, reconnectMin: 20, reconnectMax: 40 },
      { id: 'c2', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port: refusedPort, reconnectMin: 20, reconnectMax: 100000 },
      read('r1', 'c1'), read('r2', 'c2')));
    await delay(1300);
    const attempts = (id: string): number => statusArgs(node(id)).filter((s) => s.fill === 'yellow').length;
    assert.ok(attempts('r1') >= 15, `max 40 ms: ${attempts('r1')} attempts in 1.3 s`);
    assert.ok(attempts('r2') <= 10, `growing backoff: ${attempts('r2')} attempts in 1.3 s`);
  });

  it('serial settings of clients and servers reach the tty: baud rate and stop bits as the kernel sees them', async () => {
    // A Linux pty keeps CS8 and no parity whatever is asked, so data bits and parity are shown by
    // client.test.ts (the options the engine gets) and by rtu.test.ts (even parity end to end).
    const a = await ptyPair();
    const b = await ptyPair();
    ptys.push(a, b);
    await helper.load(allNodes, onTab(
      { id: 's1', type: 'umodbus-server', transport: 'rtu', serialPath: a.a, baudRate: 19200, stopBits: 2 },
      { id: 's2', type: 'umodbus-server', transport: 'rtu', serialPath: b.a, baudRate: 4800, stopBits: 1 },
      { id: 'c1', type: 'umodbus-client', transport: 'rtu', serialPath: a.b, baudRate: 19200, stopBits: 2, dataBits: 8, parity: 'none' },
      { id: 'c2', type: 'umodbus-client', transport: 'ascii', serialPath: b.b, baudRate: 4800, stopBits: 1, dataBits: 7, parity: 'even' },
      read('r1', 'c1'), read('r2', 'c2')));
    await waitFor(() => statusArgs(node('r1')).at(-1)?.fill === 'green' && statusArgs(node('r2')).at(-1)?.fill === 'green', 'both ports open', 5000);
    await serverLink('s1')?.bound;
    await serverLink('s2')?.bound;
    assert.deepEqual(tty(a.b), { speed: 19200, cstopb: true });
    assert.deepEqual(tty(b.b), { speed: 4800, cstopb: false });
    assert.deepEqual(tty(a.a), { speed: 19200, cstopb: true }, 'the server side too');
    assert.deepEqual(tty(b.a), { speed: 4800, cstopb: false });
  });

  it('RTU turnaround: after a broadcast the next request waits the turnaround delay', async () => {
    const slow = await ptyPair();
    const fast = await ptyPair();
    ptys.push(slow, fast);
    const side = (s: string, c: string, pty: PtyPair, turnaround: number): N[] => [
      { id: s, type: 'umodbus-server', transport: 'rtu', serialPath: pty.a, baudRate: 115200, memoryMap: '{"holdingRegisters":{"start":0,"size":4}}' },
      { id: c, type: 'umodbus-client', transport: 'rtu', serialPath: pty.b, baudRate: 115200, timeout: 1000, turnaround },
      { id: `w-${c}`, type: 'umodbus-write', client: c, unitId: 0, fc: 6, address: 1, wires: [[`t-${c}`]] },
      { id: `r-${c}`, type: 'umodbus-read', client: c, unitId: 1, fc: 3, address: 1, quantity: 1, wires: [[`t-${c}`]] },
      { id: `t-${c}`, type: 'helper' },
    ];
    await helper.load(allNodes, onTab(...side('s1', 'c1', slow, 400), ...side('s2', 'c2', fast, 0)));
    await waitFor(() => ['r-c1', 'r-c2'].every((id) => statusArgs(node(id)).at(-1)?.fill === 'green'), 'both ports open', 5000);
    const measure = async (c: string): Promise<{ gap: number; value: unknown }> => {
      const seen: { at: number; msg: Record<string, unknown> }[] = [];
      node(`t-${c}`).on('input', (m) => seen.push({ at: Date.now(), msg: m as Record<string, unknown> }));
      node(`w-${c}`).receive({ payload: 77 });
      node(`r-${c}`).receive({});
      await waitFor(() => seen.length === 2, `${c}: broadcast and read`, 5000);
      return { gap: seen[1].at - seen[0].at, value: seen[1].msg.payload };
    };
    const [withDelay, without] = await Promise.all([measure('c1'), measure('c2')]);
    assert.equal(withDelay.value, 77, 'the broadcast was applied before the read');
    assert.equal(without.value, 77);
    assert.ok(withDelay.gap >= 380, `turnaround 400: read came ${withDelay.gap} ms after the broadcast`);
    assert.ok(without.gap < 300, `turnaround 0: read came ${without.gap} ms after the broadcast`);
  });
});
