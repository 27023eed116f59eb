/**
 * Flow JSON for each scenario and package. Both packages get the same driver, counter and HTTP
 * endpoints, so whatever those cost is paid equally; only the Modbus nodes differ.
 */
import type { FlowNode } from './runtime';

export type Pkg = 'umodbus' | 'contrib';
export const PKGS: Pkg[] = ['umodbus', 'contrib'];
/** A TCP port, or a pty path; `interFrameDelay` sets t3.5 (ms) on our client instead of the spec's 1.75 ms. */
export type Link = { tcp: number } | { rtu: string; interFrameDelay?: number };

/** The FC 3 read of 10 registers from address 0, unit 1, that every scenario makes. */
const CONTRIB_READ = { fc: 3, unitid: 1, address: 0, quantity: 10 };

export function clientConfig(pkg: Pkg, id: string, link: Link, maxInFlight = 1): FlowNode {
  if (pkg === 'umodbus') {
    return {
      id, type: 'umodbus-client', name: 'bench',
      transport: 'tcp' in link ? 'tcp' : 'rtu', host: '127.0.0.1', port: 'tcp' in link ? link.tcp : 502,
      serialPath: 'rtu' in link ? link.rtu : '', baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1,
      interFrameDelay: 'rtu' in link ? link.interFrameDelay ?? '' : '',
      // The queue must hold a whole burst, as contrib's unbounded one does.
      timeout: 1000, retries: 0, maxInFlight, queueLimit: 10000, reconnectMin: 100, reconnectMax: 10000, turnaround: 100,
    };
  }
  return {
    id, type: 'modbus-client', name: 'bench', clienttype: 'tcp' in link ? 'tcp' : 'serial', bufferCommands: true,
    stateLogEnabled: false, queueLogEnabled: false, failureLogEnabled: false,
    tcpHost: '127.0.0.1', tcpPort: 'tcp' in link ? link.tcp : 502, tcpType: 'DEFAULT',
    serialPort: 'rtu' in link ? link.rtu : '', serialType: 'RTU-BUFFERD', serialBaudrate: 115200, serialDatabits: 8,
    serialStopbits: 1, serialParity: 'none', serialConnectionDelay: 100, serialAsciiResponseStartDelimiter: '0x3A',
    unit_id: 1, commandDelay: 1, clientTimeout: 1000, reconnectOnTimeout: true, reconnectTimeout: 2000, parallelUnitIdsAllowed: true,
  };
}

/** A read node triggered by its input: umodbus-read, or contrib's flex-getter. */
function triggeredRead(pkg: Pkg, id: string, client: string, wires: string[][]): FlowNode {
  if (pkg === 'umodbus') {
    return { id, type: 'umodbus-read', name: '', client, unitId: 1, fc: 3, address: 0, quantity: 10, dataType: 'uint16', byteOrder: 'ABCD', pollInterval: 0, wires };
  }
  return {
    id, type: 'modbus-flex-getter', name: '', showStatusActivities: false, showErrors: false, logIOActivities: false, server: client,
    useIOFile: false, ioFile: '', useIOForPayload: false, emptyMsgOnFail: false, keepMsgProperties: false, wires: [...wires, []],
  };
}

/** A read node on its own poll interval: umodbus-read, or contrib's modbus-read. */
function pollingRead(pkg: Pkg, id: string, client: string, intervalMs: number, wires: string[][]): FlowNode {
  if (pkg === 'umodbus') {
    return { id, type: 'umodbus-read', name: '', client, unitId: 1, fc: 3, address: 0, quantity: 10, dataType: 'uint16', byteOrder: 'ABCD', pollInterval: intervalMs, wires };
  }
  return {
    id, type: 'modbus-read', name: '', topic: '', showStatusActivities: false, logIOActivities: false, showErrors: false,
    unitid: '1', dataType: 'HoldingRegister', adr: '0', quantity: '10', rate: String(intervalMs), rateUnit: 'ms',
    delayOnStart: false, startDelayTime: '', server: client, useIOFile: false, ioFile: '', useIOForPayload: false,
    emptyMsgOnFail: false, wires: [...wires, []],
  };
}

/** The bench driver node (driver-node.ts): sends the reads, counts what comes back. */
function driver(id: string, payload: unknown, wires: string[][]): FlowNode {
  return { id, type: 'umodbus-bench-driver', name: '', payload: JSON.stringify(payload), wires };
}

/** (a) and (d): reads triggered by msgs from the driver, results and errors (through a Catch node) back to it. */
export function triggeredFlow(pkg: Pkg, link: Link, maxInFlight = 1): FlowNode[] {
  return [
    clientConfig(pkg, 'cfg', link, maxInFlight),
    driver('driver', pkg === 'umodbus' ? 0 : CONTRIB_READ, [['read']]),
    triggeredRead(pkg, 'read', 'cfg', [['driver']]),
    { id: 'catch', type: 'catch', name: '', scope: ['read'], uncaught: false, wires: [['driver']] },
  ];
}

/** (b): `count` read nodes polling every `intervalMs`; every output and error is counted by the driver node `counter`. */
export function pollingFlow(pkg: Pkg, link: Link, count: number, intervalMs: number): FlowNode[] {
  const reads = Array.from({ length: count }, (_, i) => pollingRead(pkg, `poll-${i}`, 'cfg', intervalMs, [['counter']]));
  return [
    clientConfig(pkg, 'cfg', link),
    ...reads,
    driver('counter', 0, [[]]),
    { id: 'errors', type: 'catch', name: '', scope: null, uncaught: false, wires: [['counter']] },
  ];
}

const HOLDING = JSON.stringify({ holdingRegisters: { start: 0, values: Array.from({ length: 100 }, (_, i) => i) } });

function umodbusServer(id: string, port: number, memoryMap: string): FlowNode {
  return {
    id, type: 'umodbus-server', name: id, transport: 'tcp', host: '127.0.0.1', port, serialPath: '', baudRate: 9600, dataBits: 8,
    parity: 'none', stopBits: 1, unitIds: '', maxConnections: 32, idleTimeout: 0, memoryMap, vendorName: '', productCode: '',
    revision: '', vendorUrl: '', productName: '', modelName: '', userApplicationName: '', serverId: '', replyTimeout: 1000, timeoutReply: '4',
  };
}

/** (c): the three servers, each on its own port. */
export function serverFlow(ports: { memory: number; route: number; contrib: number; floor: number }): FlowNode[] {
  return [
    umodbusServer('srv-memory', ports.memory, HOLDING),
    umodbusServer('srv-route', ports.route, JSON.stringify({ holdingRegisters: { start: 0, size: 10 } })),
    { id: 'route', type: 'umodbus-server-route', name: '', server: 'srv-route', unitIds: '', functionCodes: '3', addressStart: '0', addressEnd: '99', dataType: 'uint16', byteOrder: 'ABCD', wires: [['answer']] },
    {
      id: 'answer', type: 'function', name: 'answer', outputs: 1, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [], wires: [['route']],
      func: 'const { address, quantity } = msg.payload;\nmsg.payload = Array.from({ length: quantity }, (_, i) => address + i);\nreturn msg;',
    },
    {
      // responseDelay 1 ms is its least: the node turns 0 into 1.
      id: 'srv-contrib', type: 'modbus-server', name: '', logEnabled: false, hostname: '127.0.0.1', serverPort: ports.contrib,
      responseDelay: 1, delayUnit: 'ms', coilsBufferSize: 100, holdingBufferSize: 100, inputBufferSize: 100, discreteBufferSize: 100,
      showErrors: false, wires: [[], [], [], [], []],
    },
    { id: 'srv-floor', type: 'umodbus-bench-floor', port: ports.floor },
  ];
}
