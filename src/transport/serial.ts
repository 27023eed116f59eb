import { SerialPort } from 'serialport';
import { ascii, rtu } from '../codec';
import type { Connection, ConnectionHandlers, Medium } from './types';

/** Serial line settings, for clients (SerialSettings) and servers alike. */
export interface SerialLineSettings {
  path: string;
  baudRate: number;
  dataBits?: 7 | 8;
  parity?: 'none' | 'even' | 'odd';
  stopBits?: 1 | 2;
  /**
   * RTU only: the inter-frame silence t3.5 in ms. Default: 3.5 characters at this line's settings,
   * or the 1.75 ms that the serial line spec recommends above 19200 baud. Set it for a line whose
   * devices frame by length rather than by silence, or for a link with no real line under it
   * (a pty, a virtual COM port), where only the character time at its nominal baud rate applies.
   */
  interFrameDelay?: number;
}

/** Serial line settings shared by RTU and ASCII, by clients and servers alike. */
export type SerialSettings = SerialLineSettings;

/** ms one character takes on the line: start bit, data bits, parity bit, stop bits. */
export function characterTime(s: Pick<SerialLineSettings, 'baudRate' | 'dataBits' | 'parity' | 'stopBits'>): number {
  const bits = 1 + (s.dataBits ?? 8) + ((s.parity ?? 'none') === 'none' ? 0 : 1) + (s.stopBits ?? 1);
  return (bits * 1000) / s.baudRate;
}

/**
 * The RTU inter-frame silence t3.5 in ms: the configured value, else 3.5 characters, or the fixed
 * 1.75 ms that the serial line spec (section 2.5.1.1) recommends above 19200 baud.
 */
export function rtuInterFrameDelay(s: Omit<SerialLineSettings, 'path'>): number {
  if (s.interFrameDelay !== undefined) return s.interFrameDelay;
  return s.baudRate > 19200 ? 1.75 : 3.5 * characterTime(s);
}

/** A port whose close() does not call back within this time is given up on. */
const CLOSE_BOUND = 1000;

class SerialConnection implements Connection {
  constructor(private readonly port: SerialPort) {}

  write(data: Buffer): void {
    this.port.write(data);
  }

  close(): Promise<void> {
    const port = this.port;
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        port.removeAllListeners();
        // A write or close still in flight may report an error later; keep it from becoming an uncaught one.
        port.on('error', () => {});
        resolve();
      };
      const timer = setTimeout(done, CLOSE_BOUND);
      if (!port.isOpen) {
        done();
        return;
      }
      port.close(() => done());
    });
  }
}

/**
 * A serial port carrying RTU or ASCII. Its timing (character time, the 3.5-character silence
 * RTU needs between frames, fixed at 1.75 ms above 19200 baud unless set) follows from the line settings.
 */
export class SerialMedium implements Medium {
  readonly multiplexed = false;
  readonly datagram = false;
  readonly charTime: number;
  readonly interFrameSilence: number;
  readonly target: string;

  constructor(
    readonly settings: SerialLineSettings,
    readonly framing: typeof rtu | typeof ascii = rtu,
  ) {
    this.charTime = characterTime(settings);
    // ASCII frames are delimited by ':' and CR LF, so it needs no silence between them.
    this.interFrameSilence = framing === rtu ? rtuInterFrameDelay(settings) : 0;
    this.target = `${framing.name} ${settings.path}`;
  }

  open(handlers: ConnectionHandlers, signal: AbortSignal): Promise<Connection> {
    const s = this.settings;
    return new Promise((resolve, reject) => {
      const port = new SerialPort({
        path: s.path,
        baudRate: s.baudRate,
        dataBits: s.dataBits ?? 8,
        parity: s.parity ?? 'none',
        stopBits: s.stopBits ?? 1,
        autoOpen: false,
      });
      // Reading is set up before the port opens, so the first read is under way as soon as it
      // is: a line that vanishes right after opening (a pty whose other end exits) is then
      // noticed at once. Set up after open, such a loss often goes unseen.
      let opened = false;
      let lastError: Error | undefined;
      port.on('data', (chunk: Buffer) => {
        if (opened) handlers.data(chunk);
      });
      port.on('error', (e: Error) => {
        lastError = e;
      });
      port.open((err) => {
        if (err) {
          port.removeAllListeners();
          reject(err);
          return;
        }
        const conn = new SerialConnection(port);
        if (signal.aborted) {
          void conn.close().then(() => reject(new Error('open aborted')));
          return;
        }
        opened = true;
        port.on('close', (e?: Error | null) => handlers.lost(e ?? lastError ?? new Error('serial port closed')));
        resolve(conn);
      });
    });
  }
}
