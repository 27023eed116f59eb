/**
 * Issue 15, item 9: every code a read or write node can put on msg.error.code is in its help,
 * in both languages, and the help names no code the nodes never raise. The engines' error
 * classes are made here, so a new or renamed code shows up as a failure.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodecError, ERROR_KINDS, ModbusError, ModbusExceptionError, errorKind } from '../../src/codec';
import { UsageError } from '../../src/cli/args';
import { BadReplyError } from '../../src/server/route-reply';
import { MapConfigError, ServerClosedError } from '../../src/server';
import {
  BroadcastReadError, ConnectionClosedError, ConnectionLostError, QueueFullError, RequestFlushedError, TimeoutError, UnitUnavailableError,
} from '../../src/client';
import { ConnectError, TlsError } from '../../src/transport';
import { BadMessageError, ConfigError, NODE_ERROR_CODES, toNodeError } from '../../src/nodes/common/errors';

const root = join(__dirname, '..', '..', '..');

function helpOf(type: string, lang: 'en' | 'de'): string {
  const file = lang === 'en' ? join(root, 'nodes', `${type}.html`) : join(root, 'nodes', 'locales', 'de', `${type}.html`);
  const m = new RegExp(`<script type="text/html" data-help-name="${type}">([\\s\\S]*?)</script>`).exec(readFileSync(file, 'utf8'));
  assert.ok(m, `${lang} help of ${type}`);
  return m[1];
}

const raised: Error[] = [
  new TimeoutError(1, 3, 1000), new QueueFullError(10), new ConnectionClosedError(), new ConnectionLostError(new Error('reset')),
  new BroadcastReadError(3), new UnitUnavailableError(1, 500), new RequestFlushedError(), new ConnectError('tcp 1.2.3.4:502'),
  new ConnectError('tls 1.2.3.4:802', new TlsError('TLS handshake failed')),
  new CodecError('limit', 'too many'), new ModbusExceptionError(3, 2), new BadMessageError('bad'), new ConfigError('none'),
];

describe('nodes: the error codes in the help', () => {
  it('every error the engines and nodes raise has a code the nodes know', () => {
    for (const err of raised) {
      const code = toNodeError(err).code;
      assert.ok(NODE_ERROR_CODES.includes(code), `${err.name} raises ${code}, which the nodes do not list`);
    }
    assert.deepEqual([...new Set(raised.map((e) => toNodeError(e).code))].sort(), [...NODE_ERROR_CODES].sort(), 'no code listed that nothing raises');
  });

  for (const type of ['umodbus-read', 'umodbus-write']) {
    for (const lang of ['en', 'de'] as const) {
      it(`${type} (${lang}) names exactly the codes the nodes raise`, () => {
        const help = helpOf(type, lang);
        const named = new Set([...help.matchAll(/<code>(EMODBUS_[A-Z_]+)<\/code>/g)].map((m) => m[1]));
        const missing = NODE_ERROR_CODES.filter((c) => !named.has(c));
        assert.deepEqual(missing, [], 'codes raised but not in the help');
        const unknown = [...named].filter((c) => !NODE_ERROR_CODES.includes(c));
        assert.deepEqual(unknown, [], 'codes in the help that nothing raises');
      });
    }
  }
});

describe('errors: one tree, one table', () => {
  const all: ModbusError[] = [
    ...(raised as ModbusError[]), new TlsError('TLS client refused'), new BadReplyError('bad reply'), new MapConfigError('units', 'bad'), new UsageError('bad flag'), new ServerClosedError(),
  ];

  it('every error the package raises is a ModbusError named after its own class, with a code from the table', () => {
    for (const err of all) {
      assert.ok(err instanceof ModbusError, `${err.name} is a ModbusError`);
      assert.equal(err.name, err.constructor.name, 'no class takes another\'s name');
      assert.ok(Object.prototype.hasOwnProperty.call(ERROR_KINDS, err.code), `${err.name}: ${err.code} is in the table`);
      assert.equal(err.kind, errorKind(err.code));
      assert.equal(toNodeError(err).cause.kind, err.kind, 'the nodes take the kind from the same table');
    }
  });

  it('a memory map refused is a config error, in the engine as in the nodes', () => {
    assert.ok(new MapConfigError('units', 'bad') instanceof ConfigError);
  });

  it('every code in the table is raised by something', () => {
    assert.deepEqual([...new Set(all.map((e) => e.code))].sort(), Object.keys(ERROR_KINDS).sort());
  });

  it('a code outside the table is of kind error', () => {
    assert.equal(errorKind('ECONNREFUSED'), 'error');
    assert.equal(errorKind('toString'), 'error');
  });
});
