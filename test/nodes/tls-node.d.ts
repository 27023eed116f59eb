/** Node-RED's own tls-config node, loaded beside ours in the TLS tests. */
declare module '@node-red/nodes/core/network/05-tls.js' {
  const register: (RED: unknown) => void;
  export default register;
}
