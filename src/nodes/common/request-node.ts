/**
 * The part read and write share: send one planned request through the client link and turn the
 * outcome into a msg or an error through the funnel.
 */
import type { ModbusRequest, ModbusResponse } from '../../codec';
import type { ClientLink } from './client-link';
import type { ErrorFunnel } from './errors';
import type { DoneFn, NodeMessage, SendFn } from './red-types';

/** The plain facts a request puts on msg.modbus. */
export function requestFacts(unitId: number, request: ModbusRequest): Record<string, unknown> {
  const facts: Record<string, unknown> = { unitId, fc: request.fc };
  if ('address' in request) facts.address = request.address;
  if ('quantity' in request) facts.quantity = request.quantity;
  facts.request = request;
  return facts;
}

export interface Exchange {
  link: ClientLink;
  funnel: ErrorFunnel;
  /** False once the node closed: late results finish the msg but send nothing. */
  isOpen: () => boolean;
}

/**
 * Send the request; on success `shape` fills the msg from the response (it may throw, which is
 * funneled too), then the msg goes out.
 */
export async function exchange(
  ex: Exchange,
  msg: NodeMessage,
  unitId: number,
  request: ModbusRequest,
  shape: (response: ModbusResponse | undefined, responseTime: number) => void,
  send: SendFn,
  done: DoneFn,
): Promise<void> {
  try {
    const { response, responseTime } = await ex.link.request(unitId, request);
    shape(response, responseTime);
  } catch (err) {
    ex.funnel.fail(err, done);
    return;
  }
  if (ex.isOpen()) send(msg);
  done();
}
