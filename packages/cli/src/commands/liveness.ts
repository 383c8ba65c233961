import { DualrecError } from '@dualrec/evidence';
import { type Command, type CommandIo, EXIT, parseCommandArgs } from '../io.js';
import {
  COMMON_OPTIONS_USAGE,
  type HarnessRequest,
  type HarnessResult,
  LivenessRunner,
  parseChallenges,
  runnerOptions,
} from './liveness-runner.js';

const usage = `Usage: dualrec liveness VIDEO... [--passive | --challenges LIST] [--json] [options]

Runs the real @dualrec/face analyzer and liveness step in headless Chromium with each VIDEO as
the fake camera, and prints a verdict with the measurements behind it. .y4m and .mjpeg files are
played as they are; other videos (.mp4, .webm, …) are converted to MJPEG with ffmpeg first.
Chromium loops the video until the step ends.

Exit status: 0 when every video passes, 1 when any fails, 2 on bad usage or a missing file.

Options:
  --passive           passive check only (the default): blinks, expression, non-rigid motion
  --challenges LIST   active challenges in this order, comma-separated, from
                      blink, turn-left, turn-right, nod, open-mouth (the passive check still
                      has to pass); a recorded video does not follow prompts, so use this to
                      test clips made for a known sequence
  --challenge-timeout MS   per-challenge time limit (default 8000)
  --json              print one JSON object per video (an array)
${COMMON_OPTIONS_USAGE}`;

const f = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '—');

function printHuman(file: string, r: HarnessResult, io: CommandIo): void {
  const p = r.passive;
  io.stdout.write(
    `${file}: ${r.verdict.toUpperCase()}${r.reasons.length ? ` (${r.reasons.join(', ')})` : ''}\n`,
  );
  io.stdout.write(
    `  passive   ${p.live ? 'live' : 'not live'}  score ${f(p.score)}  blinks ${p.blinks}  expression ${f(p.expression, 3)}  non-rigid ${f(p.nonRigid, 3)}  pose spread ${f(p.poseSpread, 1)}°  over ${p.frames} frames / ${f(p.durationMs / 1000, 1)} s\n`,
  );
  if (r.challenges.length)
    io.stdout.write(`  challenges ${r.challenges.join(', ')}: ${r.challengesPassed} passed\n`);
  io.stdout.write(
    `  frames    ${r.frames.total} analysed: one face ${r.frames.oneFace}, none ${r.frames.noFace}, several ${r.frames.multipleFaces}\n`,
  );
  io.stdout.write(
    `  analyzer  ${r.analyzer.mode}, ${f(r.analyzer.fps, 1)} fps, ${f(r.analyzer.averageCostMs, 1)} ms/frame, first result ${f(r.analyzer.firstResultMs, 0)} ms after create()\n`,
  );
}

export const livenessCommand: Command = {
  summary: 'run the face liveness check on video files in headless Chromium',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs({
      args,
      options: {
        passive: { type: 'boolean' },
        challenges: { type: 'string' },
        'challenge-timeout': { type: 'string' },
        json: { type: 'boolean' },
        assets: { type: 'string' },
        chromium: { type: 'string' },
        ffmpeg: { type: 'string' },
      },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length === 0)
      throw new DualrecError('BAD_USAGE', { detail: 'expected at least one VIDEO' });
    if (values.passive && values.challenges !== undefined)
      throw new DualrecError('BAD_USAGE', { detail: '--passive and --challenges exclude each other' });
    const request: HarnessRequest = {
      challenges: values.challenges === undefined ? [] : parseChallenges(values.challenges),
    };
    if (values['challenge-timeout'] !== undefined) {
      const ms = Number(values['challenge-timeout']);
      if (!(ms > 0))
        throw new DualrecError('BAD_USAGE', { detail: '--challenge-timeout must be a positive number' });
      request.challengeTimeoutMs = ms;
    }
    const runner = await LivenessRunner.open(runnerOptions(values));
    const results: (HarnessResult & { file: string })[] = [];
    try {
      for (const file of positionals) {
        const r = { file, ...(await runner.run(file, request)) };
        results.push(r);
        if (!values.json) printHuman(file, r, io);
      }
    } finally {
      await runner.close();
    }
    if (values.json) io.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return results.every((r) => r.verdict === 'passed') ? EXIT.ok : EXIT.failed;
  },
};
