#!/usr/bin/env node
// Build: compile with tsc, then put the editor files (html, locales) and icons beside the built
// node .js files, because Node-RED's registry looks for them only there.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const tsc = require.resolve('typescript/bin/tsc');
fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
try {
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
} catch {
  process.exit(1); // tsc has printed the errors
}

const outNodes = path.join(root, 'dist', 'src', 'nodes');
fs.mkdirSync(outNodes, { recursive: true });
const copy = (from, to) => { if (fs.existsSync(from)) fs.cpSync(from, to, { recursive: true }); };
const editorDir = path.join(root, 'nodes');
if (fs.existsSync(editorDir)) for (const f of fs.readdirSync(editorDir)) copy(path.join(editorDir, f), path.join(outNodes, f));
copy(path.join(root, 'icons'), path.join(outNodes, 'icons'));
fs.chmodSync(path.join(root, 'dist', 'src', 'cli', 'main.js'), 0o755);
