/** The slice of node-red-node-test-helper these tests use (it ships no typings). */
declare module 'node-red-node-test-helper' {
  type FlowNode = Record<string, unknown> & { id: string; type: string };
  interface Helper {
    init(runtimePath: string, userSettings?: Record<string, unknown>): void;
    load(nodes: unknown[], flow: FlowNode[], credentials?: Record<string, unknown>): Promise<void>;
    setFlows(flow: FlowNode[], type?: 'full' | 'flows' | 'nodes'): Promise<void>;
    unload(): Promise<void>;
    getNode(id: string): unknown;
    startServer(): Promise<void>;
    stopServer(): Promise<void>;
    request(): {
      get(path: string): { expect(status: number): Promise<{ body: unknown }> };
    };
    log(): { args: unknown[][]; getCalls(): { args: unknown[] }[] };
  }
  const helper: Helper;
  export default helper;
}
