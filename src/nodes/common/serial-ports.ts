/**
 * The admin endpoint behind the editor's serial port picker: the ports SerialPort can see, and
 * whether this Node-RED process may open each one (a port you cannot open is the usual RTU
 * setup mistake: the user is not in the dialout group).
 */
import { access, constants } from 'node:fs/promises';
import type { NodeAPI } from './red-types';

export interface PortInfo {
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  readable: boolean;
  writable: boolean;
}

async function canAccess(path: string, mode: number): Promise<boolean> {
  try {
    await access(path, mode);
    return true;
  } catch {
    return false;
  }
}

export async function listSerialPorts(): Promise<PortInfo[]> {
  const { SerialPort } = await import('serialport');
  const ports = await SerialPort.list();
  return Promise.all(ports.map(async (p) => ({
    path: p.path,
    manufacturer: p.manufacturer,
    serialNumber: p.serialNumber,
    readable: await canAccess(p.path, constants.R_OK),
    writable: await canAccess(p.path, constants.W_OK),
  })));
}

export const SERIAL_PORTS_PATH = '/umodbus/serialports';

const registered = new WeakSet<object>();

/** Register once per admin app (the module function may run more than once in tests). */
export function registerSerialPortsEndpoint(RED: NodeAPI): void {
  if (registered.has(RED.httpAdmin)) return;
  registered.add(RED.httpAdmin);
  RED.httpAdmin.get(SERIAL_PORTS_PATH, RED.auth.needsPermission('umodbus-client.read'), (_req, res) => {
    listSerialPorts().then(
      (ports) => res.json(ports),
      (err: unknown) => res.status(500).json({ error: err instanceof Error ? err.message : String(err) }),
    );
  });
}

