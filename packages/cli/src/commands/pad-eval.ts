/**
 * Presentation-attack-detection evaluation in the sense of ISO/IEC 30107-3: every bona fide video
 * and every attack video goes through the same liveness step; APCER (attack presentations
 * wrongly accepted as bona fide) is reported per attack species (each subfolder of the attack
 * folder is one PAI species; loose files form one species named after the folder) and as the
 * worst species, BPCER (bona fide presentations wrongly rejected) over all bona fide videos.
 * A video the harness could not run counts against the system: as a rejection (for bona fide) —
 * never silently dropped — and is listed.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { DualrecError } from '@dualrec/evidence';
import { type Command, EXIT, parseCommandArgs } from '../io.js';
import {
  COMMON_OPTIONS_USAGE,
  type HarnessRequest,
  LivenessRunner,
  parseChallenges,
  runnerOptions,
  VIDEO_EXTENSIONS,
} from './liveness-runner.js';

const usage = `Usage: dualrec pad-eval --bona-fide DIR --attack DIR [--json] [options]

Evaluates the face liveness check on your own collections, as ISO/IEC 30107-3 does: every video
in the bona fide folder is a real applicant, every video in the attack folder a presentation
attack (printed photo, screen replay, mask…). Each subfolder of the attack folder is reported as
its own attack species. Runs the real analyzer in headless Chromium (see "dualrec liveness").

  APCER  attack presentations classified as bona fide / attack presentations (per species;
         the headline figure is the worst species)
  BPCER  bona fide presentations classified as attacks / bona fide presentations

A video that cannot be analysed (no face, unreadable) counts as classified "attack": it raises
BPCER for a bona fide video and cannot lower APCER.

Exit status: 0 when the evaluation ran, 2 on bad usage or an empty folder.

Options:
  --bona-fide DIR     folder of bona fide videos (searched recursively)
  --attack DIR        folder of attack videos (each subfolder one species)
  --challenges LIST   evaluate with these active challenges (default: passive only)
  --json              print the full report as JSON
${COMMON_OPTIONS_USAGE}`;

function videosIn(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch (cause) {
    throw new DualrecError('BAD_USAGE', { detail: `cannot read folder ${dir}`, cause });
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return videosIn(path);
    return VIDEO_EXTENSIONS.has(extname(name).toLowerCase()) ? [path] : [];
  });
}

/** Species → files: each direct subfolder of the attack folder, loose files under the folder's name. */
function attackSpecies(dir: string): Map<string, string[]> {
  const species = new Map<string, string[]>();
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch (cause) {
    throw new DualrecError('BAD_USAGE', { detail: `cannot read folder ${dir}`, cause });
  }
  for (const name of entries) {
    const path = join(dir, name);
    const key = statSync(path).isDirectory() ? name : basename(resolve(dir));
    const files = statSync(path).isDirectory()
      ? videosIn(path)
      : VIDEO_EXTENSIONS.has(extname(name).toLowerCase())
        ? [path]
        : [];
    if (files.length) species.set(key, [...(species.get(key) ?? []), ...files]);
  }
  return species;
}

interface Trial {
  file: string;
  kind: 'bona-fide' | 'attack';
  species: string | null;
  /** What the system decided: 'bona-fide' when the liveness step passed. */
  classifiedAs: 'bona-fide' | 'attack';
  verdict: string;
  reasons: string[];
  passiveScore: number | null;
  error?: string;
}

const pct = (x: number) => Math.round(x * 10_000) / 100;

export const padEvalCommand: Command = {
  summary: 'APCER / BPCER (ISO/IEC 30107-3) of the liveness check on folders of videos',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs({
      args,
      options: {
        'bona-fide': { type: 'string' },
        attack: { type: 'string' },
        challenges: { type: 'string' },
        json: { type: 'boolean' },
        assets: { type: 'string' },
        chromium: { type: 'string' },
        ffmpeg: { type: 'string' },
      },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length)
      throw new DualrecError('BAD_USAGE', { detail: `unexpected ${positionals.join(' ')}` });
    if (!values['bona-fide'] || !values.attack)
      throw new DualrecError('BAD_USAGE', { detail: '--bona-fide DIR and --attack DIR are both required' });
    const bonaFide = videosIn(resolve(values['bona-fide']));
    const species = attackSpecies(resolve(values.attack));
    if (bonaFide.length === 0)
      throw new DualrecError('BAD_USAGE', { detail: `no videos in ${values['bona-fide']}` });
    if (species.size === 0) throw new DualrecError('BAD_USAGE', { detail: `no videos in ${values.attack}` });
    const request: HarnessRequest = {
      challenges: values.challenges === undefined ? [] : parseChallenges(values.challenges),
    };

    const runner = await LivenessRunner.open(runnerOptions(values));
    const trials: Trial[] = [];
    const attempt = async (file: string, kind: Trial['kind'], speciesName: string | null) => {
      try {
        const r = await runner.run(file, request);
        trials.push({
          file,
          kind,
          species: speciesName,
          classifiedAs: r.verdict === 'passed' ? 'bona-fide' : 'attack',
          verdict: r.verdict,
          reasons: r.reasons,
          passiveScore: r.passive.score,
        });
      } catch (error) {
        // A missing asset or Chromium fails the whole evaluation; one bad video does not.
        if (error instanceof DualrecError && error.code === 'ASSET_NOT_FOUND') throw error;
        trials.push({
          file,
          kind,
          species: speciesName,
          classifiedAs: 'attack',
          verdict: 'error',
          reasons: [],
          passiveScore: null,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      if (!values.json) {
        const t = trials.at(-1) as Trial;
        io.stderr.write(`  ${kind.padEnd(9)} ${t.classifiedAs.padEnd(9)} ${t.verdict.padEnd(7)} ${file}\n`);
      }
    };
    try {
      for (const file of bonaFide) await attempt(file, 'bona-fide', null);
      for (const [name, files] of species) for (const file of files) await attempt(file, 'attack', name);
    } finally {
      await runner.close();
    }

    const bona = trials.filter((t) => t.kind === 'bona-fide');
    const bpcer = bona.filter((t) => t.classifiedAs === 'attack').length / bona.length;
    const perSpecies = [...species.keys()].map((name) => {
      const ts = trials.filter((t) => t.species === name);
      const accepted = ts.filter((t) => t.classifiedAs === 'bona-fide').length;
      return { species: name, attacks: ts.length, accepted, apcer: accepted / ts.length };
    });
    const apcer = Math.max(...perSpecies.map((s) => s.apcer));
    const report = {
      standard: 'ISO/IEC 30107-3',
      mode: request.challenges.length ? `active (${request.challenges.join(', ')}) + passive` : 'passive',
      bonaFide: {
        presentations: bona.length,
        rejected: bona.filter((t) => t.classifiedAs === 'attack').length,
      },
      bpcer,
      apcer,
      apcerBySpecies: perSpecies,
      errors: trials.filter((t) => t.error).length,
      trials,
    };
    if (values.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      io.stdout.write(`PAD evaluation (${report.standard}), ${report.mode}\n`);
      io.stdout.write(
        `  BPCER  ${pct(bpcer)}%  (${report.bonaFide.rejected} of ${report.bonaFide.presentations} bona fide rejected)\n`,
      );
      io.stdout.write(`  APCER  ${pct(apcer)}%  (worst species)\n`);
      for (const s of perSpecies)
        io.stdout.write(
          `    ${s.species}: ${pct(s.apcer)}%  (${s.accepted} of ${s.attacks} attacks accepted)\n`,
        );
      if (report.errors)
        io.stdout.write(`  ${report.errors} video(s) could not be analysed (counted as rejected)\n`);
    }
    return EXIT.ok;
  },
};
