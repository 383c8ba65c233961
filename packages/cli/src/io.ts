import { type ParseArgsConfig, parseArgs } from 'node:util';
import { DualrecError } from '@dualrec/evidence';

/** `node:util` parseArgs, with unknown or malformed options reported as BAD_USAGE (exit 2). */
export function parseCommandArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (cause) {
    throw new DualrecError('BAD_USAGE', { detail: (cause as Error).message, cause });
  }
}

/** Where a command writes; injected so tests run commands in-process and read what they print. */
export interface CommandIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
}

/** Exit statuses shared by every command (documented in the CLI's README). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface Command {
  /** One line for `dualrec --help`. */
  summary: string;
  /** Full usage text for `dualrec COMMAND --help`. */
  usage: string;
  run(args: string[], io: CommandIo): Promise<number>;
}

/**
 * A failure worded for the person at the terminal. Errors from the shared packages carry the
 * message an applicant would see on the phone ("keep this page open"); a command that knows
 * better says what happened and what to do, keeping the original code, detail and cause.
 */
export function forCliUser(error: DualrecError, message: string): DualrecError {
  return new DualrecError(error.code, {
    ...(error.detail !== undefined ? { detail: error.detail } : {}),
    cause: error,
    context: { ...error.context, cliMessage: message },
  });
}

/** The line main() prints for a DualrecError: the CLI's own wording when a command gave one. */
export function cliMessageOf(error: DualrecError): string {
  const own = error.context.cliMessage;
  if (typeof own !== 'string') return error.message;
  return error.detail ? `${own}\n  (${error.detail})` : own;
}
