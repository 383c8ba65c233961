#!/usr/bin/env node
// The `dualrec` command. A committed launcher (not a build output) so that package managers link
// the bin at install time, before the first build in a fresh clone.
let main;
try {
  ({ main } = await import('../dist/main.js'));
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  process.stderr.write('dualrec: @dualrec/cli is not built yet; run "pnpm build" (or ./run setup) first.\n');
  process.exit(2);
}
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
