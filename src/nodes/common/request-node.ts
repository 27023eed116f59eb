/**
 * The part read and write share: send one planned request through the client link and turn the
 * outcome into a msg or an error through the funnel.
 */
import type { ModbusRequest, ModbusResponse } from '../../codec';
import type { ClientLink } from './client-link';
import type { DoneFn, NodeMessage, SendFn } from './red-types';

/** The plain facts a request puts on msg.modbus. */
export function requestFacts(unitId: number, request: ModbusRequest): Record<string, unknown> {
  const facts: Record<string, unknown> = { unitId, fc: request.fc };
  if ('address' in request) facts.address = request.address;
  if ('quantity' in request) facts.quantity = request.quantity;
  facts.request = request;
  return facts;
}

/** Where an exchange reports: a failure finishes the msg with the error; a success clears the last failure. */
export interface Outcome {
  fail(err: unknown, done: DoneFn): void;
  succeeded?(): void;
}

export interface Exchange {
  link: ClientLink;
  funnel: Outcome;
  /** False once the node closed: late results finish the msg but send nothing. */
  isOpen: () => boolean;
}

/**
 * Send the request(s) `perform` makes; on success `shape` fills the msg from the response (it may throw, which is
 * funneled too), then the msg goes out.
 */
export async function exchange(
  ex: Exchange,
  msg: NodeMessage,
  perform: () => Promise<{ response: ModbusResponse | undefined; responseTime: number }>,
  shape: (response: ModbusResponse | undefined, responseTime: number) => void,
  send: SendFn,
  done: DoneFn,
): Promise<void> {
  try {
    const { response, responseTime } = await perform();
    shape(response, responseTime);
    ex.funnel.succeeded?.();
  } catch (err) {
    ex.funnel.fail(err, done);
    return;
  }
  if (ex.isOpen()) send(msg);
  done();
}
