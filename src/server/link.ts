/**
 * What the server engine sees of its listeners: the transport's listening side. The names stay
 * here for the engine's own files and tests; the types live in src/transport/listen.
 */
export type { Answer, IndicationSink as FrameSink, Link, Listener as ServerListener } from '../transport/listen';
