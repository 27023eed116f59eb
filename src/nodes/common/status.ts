/**
 * The one place status objects are made, so every node shows a link the same way: yellow ring
 * connecting, green dot connected, red ring disconnected or failed. Texts are i18n keys the
 * editor translates; the core keys come from Node-RED itself, ours from the umodbus-client
 * catalog (fully qualified, so every node type can use them).
 */
import type { NodeStatus } from './red-types';

export type LinkState = 'idle' | 'connecting' | 'connected' | 'disconnected' | 'closed' | 'listening' | 'failed';

/** Our own status keys live in one catalog; this prefix reaches it from any node type. */
export const STATUS_NS = '@umodbus/node-red/umodbus-client:umodbus.status.';

export function statusKey(name: string): string {
  return STATUS_NS + name;
}

/** Status for a link state; `detail` replaces the text when given (e.g. a listening address). */
export function linkStatus(state: LinkState, detail?: string): NodeStatus {
  switch (state) {
    case 'connecting':
      return { fill: 'yellow', shape: 'ring', text: detail ?? 'node-red:common.status.connecting' };
    case 'connected':
      return { fill: 'green', shape: 'dot', text: detail ?? 'node-red:common.status.connected' };
    case 'listening':
      return { fill: 'green', shape: 'dot', text: detail ?? statusKey('listening') };
    case 'idle':
      return { fill: 'grey', shape: 'ring', text: detail ?? 'node-red:common.status.not-connected' };
    case 'failed':
      return { fill: 'red', shape: 'ring', text: detail ?? 'node-red:common.status.error' };
    case 'disconnected':
    case 'closed':
      return { fill: 'red', shape: 'ring', text: detail ?? 'node-red:common.status.disconnected' };
  }
}

/**
 * Runtime translation of status words that carry a value ("refused by 10.0.0.5:502"): the
 * editor can only translate a bare key, so these are translated where they are made. The client
 * node sets RED._ here at load; without it (unit tests) the English default is used.
 */
type Translate = (key: string, params?: Record<string, unknown>) => string;
let translate: Translate | undefined;

export function setStatusTranslator(t: Translate | undefined): void {
  translate = t;
}

/** `english` uses __name__ placeholders, as Node-RED's catalogs do. */
export function words(name: string, english: string, params: Record<string, string | number> = {}): string {
  const fallback = english.replace(/__(\w+)__/g, (_m, k: string) => String(params[k] ?? ''));
  if (!translate) return fallback;
  try {
    const out = translate(statusKey(name), { ...params, defaultValue: fallback });
    return typeof out === 'string' && out !== '' && out !== statusKey(name) && !out.endsWith(`umodbus.status.${name}`) ? out : fallback;
  } catch {
    return fallback;
  }
}

/** The last failure of a flow node: a yellow ring that stays until a request succeeds. */
export function failureStatus(text: string): NodeStatus {
  return { fill: 'yellow', shape: 'ring', text };
}

/** A short red status for one failed request. */
export function errorStatus(text: string): NodeStatus {
  return { fill: 'red', shape: 'ring', text };
}
