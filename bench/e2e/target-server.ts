/**
 * The Modbus device every client scenario talks to, in a process of its own so that it never
 * shares the Node-RED event loop: our server engine with 100 holding registers (value = address).
 * Usage: node target-server.js tcp | rtu PATH [T35_MS]. Prints `READY <port or path>` once listening.
 * T35_MS sets the RTU inter-frame silence instead of the spec's 1.75 ms at 115200 baud.
 */
import { ModbusServer, type ServerListenOptions } from '../../src/server';

async function main(): Promise<void> {
  const [mode, path, t35] = process.argv.slice(2);
  const server = new ModbusServer({
    memoryMap: { holdingRegisters: { start: 0, values: Array.from({ length: 100 }, (_, i) => i) } },
  });
  server.on('error', (err: Error) => process.stderr.write(`target server: ${err.message}\n`));
  const listen: ServerListenOptions = mode === 'rtu'
    ? { type: 'rtu', path: path ?? '', baudRate: 115200, interFrameDelay: t35 === undefined ? undefined : Number(t35) }
    : { type: 'tcp', host: '127.0.0.1', port: 0 };
  const bound = await server.listen(listen);
  process.stdout.write(`READY ${bound.port ?? bound.path ?? ''}\n`);
  const stop = (): void => { void server.close().then(() => process.exit(0)); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`target server failed: ${String(err)}\n`);
  process.exit(1);
});
