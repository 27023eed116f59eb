import {
  DiagnosticSubFunction as Sub, ExceptionCode, type DiagnosticsRequest, type DiagnosticsResponse,
  type GetCommEventCounterResponse, type GetCommEventLogResponse,
} from '../codec';

const LOG_SIZE = 64;

/** Event bytes of the comm event log (serial line spec, FC 12). */
const RECEIVE_EVENT = 0x80;
const RECEIVE_COMM_ERROR = 0x02;
const RECEIVE_LISTEN_ONLY = 0x20;
const RECEIVE_BROADCAST = 0x40;
const SEND_EVENT = 0x40;
const SEND_LISTEN_ONLY = 0x20;
const ENTERED_LISTEN_ONLY = 0x04;
const COMM_RESTART = 0x00;

/**
 * FC 8 sub-functions that change a line's state rather than read it: restart communications
 * (01), change ASCII delimiter (03), force listen only (04), clear counters and diagnostic
 * register (0A), clear overrun counter (14). They belong to a serial line; over TCP one client
 * would change them for every other client and unit, so a TCP link gets exception 01 for them.
 */
const LINE_STATE_SUBFUNCTIONS: ReadonlySet<number> = new Set([
  Sub.RestartCommunicationsOption, Sub.ChangeAsciiInputDelimiter, Sub.ForceListenOnlyMode,
  Sub.ClearCountersAndDiagnosticRegister, Sub.ClearOverrunCounterAndFlag,
]);

/** True for an FC 8 sub-function that changes the line's state (see LINE_STATE_SUBFUNCTIONS). */
export function changesLineState(subFunction: number): boolean {
  return LINE_STATE_SUBFUNCTIONS.has(subFunction);
}

/** The send event's bit for an exception code: read (01-03), abort (04), busy (05-06), NAK (07). */
function sendEventBits(exceptionCode: number): number {
  if (exceptionCode >= 1 && exceptionCode <= 3) return 0x01;
  if (exceptionCode === 4) return 0x02;
  if (exceptionCode === 5 || exceptionCode === 6) return 0x04;
  if (exceptionCode === 7) return 0x08;
  return 0;
}

/**
 * The serial-line diagnostics state of one line: FC 8 counters, the FC 11 event counter, the
 * FC 12 event log and listen-only mode. Each serial line a server listens on has its own; the
 * server's TCP listeners share one more, which TCP clients may read but not change. Counting is
 * a handful of increments per request.
 */
export class CommDiagnostics {
  busMessages = 0;
  busCommErrors = 0;
  busExceptionErrors = 0;
  serverMessages = 0;
  noResponses = 0;
  naks = 0;
  busy = 0;
  overruns = 0;
  eventCount = 0;
  diagnosticRegister = 0;
  asciiDelimiter = 0x0a;
  listenOnly = false;
  private readonly log = new Uint8Array(LOG_SIZE);
  private logHead = 0;
  private logLength = 0;

  /** A frame with a valid checksum was seen, for this device or not. */
  onBusMessage(): void {
    this.busMessages++;
  }

  /** A frame failed its checksum or framing. */
  onCommError(): void {
    this.busCommErrors++;
    this.addEvent(RECEIVE_EVENT | RECEIVE_COMM_ERROR | (this.listenOnly ? RECEIVE_LISTEN_ONLY : 0));
  }

  /** A request addressed to this device (or broadcast) arrived, before it is processed. */
  onServerMessage(broadcast: boolean): void {
    this.serverMessages++;
    this.addEvent(RECEIVE_EVENT | (broadcast ? RECEIVE_BROADCAST : 0) | (this.listenOnly ? RECEIVE_LISTEN_ONLY : 0));
  }

  /**
   * A request finished: `outcome` is 'normal', an exception code, or 'none' when nothing was sent.
   * FC 11 and 12 (fetching the counter) and exceptions do not count as completed events.
   */
  onCompleted(fc: number, outcome: 'normal' | 'none' | number): void {
    let bits = 0;
    if (outcome === 'none') {
      this.noResponses++;
    } else if (outcome === 'normal') {
      if (fc !== 0x0b && fc !== 0x0c) this.eventCount = (this.eventCount + 1) & 0xffff;
    } else {
      this.busExceptionErrors++;
      if (outcome === ExceptionCode.ServerDeviceBusy) this.busy++;
      if (outcome === 7) this.naks++;
      bits = sendEventBits(outcome);
    }
    this.addEvent(SEND_EVENT | bits | (this.listenOnly ? SEND_LISTEN_ONLY : 0));
  }

  private addEvent(e: number): void {
    this.logHead = (this.logHead + LOG_SIZE - 1) % LOG_SIZE;
    this.log[this.logHead] = e;
    if (this.logLength < LOG_SIZE) this.logLength++;
  }

  private clearCounters(): void {
    this.busMessages = this.busCommErrors = this.busExceptionErrors = this.serverMessages = 0;
    this.noResponses = this.naks = this.busy = this.overruns = this.eventCount = 0;
    this.diagnosticRegister = 0;
  }

  /**
   * FC 8. Returns the response, or null when the spec says nothing is sent (force listen only
   * mode, and restart while listening only). The codec has refused unknown sub-functions with 01.
   */
  diagnostics(req: DiagnosticsRequest): DiagnosticsResponse | null {
    const echo: DiagnosticsResponse = { fc: 0x08, subFunction: req.subFunction, data: req.data };
    const count = (n: number): DiagnosticsResponse => ({ fc: 0x08, subFunction: req.subFunction, data: [n & 0xffff] });
    switch (req.subFunction) {
      case Sub.ReturnQueryData: return echo;
      case Sub.RestartCommunicationsOption: {
        const wasListening = this.listenOnly;
        this.listenOnly = false;
        // 0xFF00 also clears the event log; 0x0000 keeps it.
        if (req.data[0] === 0xff00) this.logHead = this.logLength = 0;
        this.clearCounters();
        this.addEvent(COMM_RESTART);
        return wasListening ? null : echo;
      }
      case Sub.ReturnDiagnosticRegister: return count(this.diagnosticRegister);
      case Sub.ChangeAsciiInputDelimiter:
        this.asciiDelimiter = req.data[0] >>> 8;
        return echo;
      case Sub.ForceListenOnlyMode:
        this.listenOnly = true;
        this.addEvent(ENTERED_LISTEN_ONLY);
        return null;
      case Sub.ClearCountersAndDiagnosticRegister:
        this.clearCounters();
        return echo;
      case Sub.ReturnBusMessageCount: return count(this.busMessages);
      case Sub.ReturnBusCommunicationErrorCount: return count(this.busCommErrors);
      case Sub.ReturnBusExceptionErrorCount: return count(this.busExceptionErrors);
      case Sub.ReturnServerMessageCount: return count(this.serverMessages);
      case Sub.ReturnServerNoResponseCount: return count(this.noResponses);
      case Sub.ReturnServerNakCount: return count(this.naks);
      case Sub.ReturnServerBusyCount: return count(this.busy);
      case Sub.ReturnBusCharacterOverrunCount: return count(this.overruns);
      case Sub.ClearOverrunCounterAndFlag:
        this.overruns = 0;
        return echo;
      default: return echo;
    }
  }

  /** FC 11: status 0xFFFF while a previous request is still being processed. */
  eventCounter(busy: boolean): GetCommEventCounterResponse {
    return { fc: 0x0b, status: busy ? 0xffff : 0, eventCount: this.eventCount };
  }

  /** FC 12: the events most recent first. */
  eventLog(busy: boolean): GetCommEventLogResponse {
    const events = new Array<number>(this.logLength);
    for (let i = 0; i < this.logLength; i++) events[i] = this.log[(this.logHead + i) % LOG_SIZE];
    return { fc: 0x0c, status: busy ? 0xffff : 0, eventCount: this.eventCount, messageCount: this.busMessages & 0xffff, events };
  }
}
