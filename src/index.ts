/** @umodbus/node-red as a plain TypeScript library: the codec, the transports, and the client and server engines. */
export * from './codec';
export * from './transport';
export * from './client';
export * from './server';
