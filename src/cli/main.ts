#!/usr/bin/env node
/** The `umodbus` command. Sub-commands arrive with the client and server engines. */
process.stderr.write('umodbus: no sub-commands yet (read, write and serve are coming)\n');
process.exitCode = 2;
