import { isDualrecError } from '@dualrec/evidence';
import { assetsCommand } from './commands/assets.js';
import { bundlesCommand } from './commands/bundles.js';
import { decryptCommand } from './commands/decrypt.js';
import { faceEvalCommand } from './commands/face-eval.js';
import { faceMatchCommand } from './commands/face-match.js';
import { inspectCommand } from './commands/inspect.js';
import { keygenCommand } from './commands/keygen.js';
import { livenessCommand } from './commands/liveness.js';
import { ocrCommand } from './commands/ocr.js';
import { ocrEvalCommand } from './commands/ocr-eval.js';
import { padEvalCommand } from './commands/pad-eval.js';
import { reportCommand } from './commands/report.js';
import { sampleCommand } from './commands/sample.js';
import { serveCommand } from './commands/serve.js';
import { uploadCommand } from './commands/upload.js';
import { verifyCommand } from './commands/verify.js';
import { type Command, type CommandIo, cliMessageOf, EXIT } from './io.js';

/** Every `dualrec` command. Later commands register here. */
export const COMMANDS: Record<string, Command> = {
  assets: assetsCommand,
  ocr: ocrCommand,
  'ocr-eval': ocrEvalCommand,
  'face-eval': faceEvalCommand,
  'face-match': faceMatchCommand,
  keygen: keygenCommand,
  sample: sampleCommand,
  verify: verifyCommand,
  inspect: inspectCommand,
  decrypt: decryptCommand,
  liveness: livenessCommand,
  'pad-eval': padEvalCommand,
  report: reportCommand,
  serve: serveCommand,
  upload: uploadCommand,
  bundles: bundlesCommand,
};

function help(): string {
  const rows = Object.entries(COMMANDS).map(([name, cmd]) => `  ${name.padEnd(10)} ${cmd.summary}`);
  return `Usage: dualrec COMMAND [options]\n\nCommands:\n${rows.join('\n')}\n\nRun "dualrec COMMAND --help" for a command's options.\n`;
}

export async function main(argv: string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(help());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`dualrec: unknown command "${name}"\n\n${help()}`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.usage);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (isDualrecError(error)) {
      io.stderr.write(`dualrec ${name}: [${error.code}] ${cliMessageOf(error)}\n`);
      return error.code === 'BAD_USAGE' ? EXIT.usage : EXIT.failed;
    }
    // Never a stack trace for what a user gave us: one line with the reason, exit 1. The stack is
    // there for whoever debugs dualrec itself.
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    io.stderr.write(`dualrec ${name}: [INTERNAL] ${message}\n`);
    if (process.env.DUALREC_DEBUG && error instanceof Error && error.stack)
      io.stderr.write(`${error.stack}\n`);
    else io.stderr.write(`dualrec ${name}: set DUALREC_DEBUG=1 to see where it failed\n`);
    return EXIT.failed;
  }
}
