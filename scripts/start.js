#!/usr/bin/env node
// `npm start`: run the Node-RED that is a dev dependency, with this package loaded from the working
// tree and a demo flow (an embedded Modbus server on 127.0.0.1 polled by read nodes) deployed.
// The user directory lives in the repo (.node-red/, git-ignored) and is reused on later starts.
// Environment: UMODBUS_USER_DIR, UMODBUS_UI_PORT (1880), UMODBUS_DEMO_PORT (5020, first start only),
// UMODBUS_NODE_RED (another node-red package directory).
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const userDir = path.resolve(process.env.UMODBUS_USER_DIR || path.join(root, '.node-red'));
const uiPort = Number(process.env.UMODBUS_UI_PORT || 1880);
const demoPort = Number(process.env.UMODBUS_DEMO_PORT || 5020);

fs.mkdirSync(path.join(userDir, 'node_modules', '@umodbus'), { recursive: true });

// Node-RED finds packages in <userDir>/node_modules; a link makes it load the working tree itself.
const link = path.join(userDir, 'node_modules', '@umodbus', 'node-red');
let current = null;
try { current = fs.readlinkSync(link); } catch { /* not there yet */ }
if (current !== root) {
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync(root, link, 'dir');
}

// Settings are ours and rewritten each start; the flows are the user's once written.
const settings = {
  uiHost: '127.0.0.1',
  uiPort,
  flowFile: 'flows.json',
  credentialSecret: false,
  telemetry: { enabled: false, updateNotification: false },
  diagnostics: { enabled: false, ui: false },
  externalModules: { autoInstall: false, palette: { allowInstall: false } },
  editorTheme: { tours: false, projects: { enabled: false }, palette: { catalogues: [] } },
  logging: { console: { level: 'info', metrics: false, audit: false } },
};
fs.writeFileSync(path.join(userDir, 'settings.js'), `// Written by scripts/start.js on every start.\nmodule.exports = ${JSON.stringify(settings, null, 2)};\n`);

const flowFile = path.join(userDir, 'flows.json');
if (!fs.existsSync(flowFile)) {
  const demo = fs.readFileSync(path.join(root, 'scripts', 'demo-flow.json'), 'utf8').replace(/"__DEMO_PORT__"/g, String(demoPort));
  fs.writeFileSync(flowFile, demo);
}

// UMODBUS_NODE_RED: the directory of another installed node-red package to run instead of the dev
// dependency (scripts/second-runtime.sh points it at Node-RED 5 for the browser tests).
const red = process.env.UMODBUS_NODE_RED
  ? path.join(path.resolve(process.env.UMODBUS_NODE_RED), 'red.js')
  : require.resolve('node-red/red.js', { paths: [root] });
const child = spawn(process.execPath, [red, '--userDir', userDir, '--settings', path.join(userDir, 'settings.js')], { stdio: 'inherit' });
process.stdout.write(`\n@umodbus/node-red demo: open http://127.0.0.1:${uiPort}/ (Modbus server on 127.0.0.1:${demoPort})\n\n`);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => { process.exitCode = code ?? (signal ? 1 : 0); });
