/** @umodbus/node-red as a plain TypeScript library: the codec, and (as they land) the client and server engines. */
export * from './codec';
