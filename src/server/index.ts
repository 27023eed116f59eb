/** The Modbus server engine: routes, memory map and diagnostics, over the transport's listeners (TCP, RTU over TCP, UDP, RTU and ASCII serial lines). */
export * from './types';
export { ModbusServer, DEFAULT_MAX_PENDING_ROUTES, DEFAULT_MAX_PENDING_ROUTES_PER_CONNECTION, type ModbusServerCounters } from './server';
export { ServerMemory, UnitMemory, Table, TABLE_NAMES, ANY_UNIT, type TableName } from './memory';
export { DeviceIdentity, DEFAULT_IDENTITY } from './identity';
export { CommDiagnostics } from './diagnostics';
export { ROUTABLE_FUNCTION_CODES } from '../codec';
export { parseMapConfig, loadMapFile, MapConfigError } from './map-config';
export { ServerClosedError } from './errors';
export { BadReplyError } from './route-reply';
export { ListenRetry, LISTEN_RETRY_MIN_MS, LISTEN_RETRY_MAX_MS, type BoundAddress, type ListenRetryHandlers } from './listen-retry';
export { AccessPolicy, accessOf, parseAccessRule, permits, type Access, type AccessRule } from './authorization';
