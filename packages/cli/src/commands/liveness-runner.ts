/**
 * Runs the real face analyzer on a video file: the video becomes Chromium's fake camera, the
 * prebuilt harness page (packages/face/harness, bundled into dist/liveness-harness) runs the
 * liveness step on it, and the result comes back as JSON. Shared by `dualrec liveness` and
 * `dualrec pad-eval`. The harness is served from a local HTTP origin together with the
 * self-hosted MediaPipe assets; every request to another origin is blocked.
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, extname, join, normalize, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DualrecError } from '@dualrec/evidence';

/** The challenge names the harness understands (kept in step with @dualrec/face's CHALLENGE_KINDS). */
export const CHALLENGES = ['blink', 'turn-left', 'turn-right', 'nod', 'open-mouth'] as const;
export type Challenge = (typeof CHALLENGES)[number];

/** Files Chromium plays directly as a fake camera; anything else is converted with ffmpeg. */
const NATIVE = new Set(['.y4m', '.mjpeg']);
export const VIDEO_EXTENSIONS = new Set(['.y4m', '.mjpeg', '.mp4', '.webm', '.mov', '.mkv', '.avi', '.mpg']);

const HARNESS_DIR = resolve(import.meta.dirname, '../liveness-harness');
const BUILD_SCRIPT = resolve(import.meta.dirname, '../../scripts/build-liveness-harness.mjs');

export interface HarnessRequest {
  challenges: Challenge[];
  challengeTimeoutMs?: number;
  passiveTimeoutMs?: number;
  positioningTimeoutMs?: number;
}

/** What the harness page returns (see packages/face/harness/liveness.ts). */
export interface HarnessResult {
  verdict: 'passed' | 'failed' | 'locked-out' | 'cancelled';
  reasons: string[];
  challenges: string[];
  challengesPassed: number;
  passive: {
    decided: boolean;
    live: boolean;
    score: number;
    blinks: number;
    expression: number;
    nonRigid: number;
    poseSpread: number;
    frames: number;
    durationMs: number;
  };
  baseline: Record<string, number> | null;
  durationMs: number;
  challengeEvents: Record<string, unknown>[];
  multipleFaces: Record<string, unknown>[];
  absent: Record<string, unknown>[];
  frames: { total: number; oneFace: number; noFace: number; multipleFaces: number };
  analyzer: { mode: string; fps: number; averageCostMs: number; loadMs: number; firstResultMs: number };
}

export interface RunnerOptions {
  assetsDir: string;
  chromiumPath: string;
  ffmpegPath?: string;
  /** Per-video limit, ms (default 90 000). */
  timeoutMs?: number;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.task': 'application/octet-stream',
};

/** Newest modification time of the built face package, when it is beside us (the monorepo). */
function faceBuiltAt(): number {
  const dir = resolve(import.meta.dirname, '../../../face/dist');
  if (!existsSync(dir)) return 0;
  return Math.max(0, ...readdirSync(dir).map((f) => statSync(join(dir, f)).mtimeMs));
}

async function ensureHarness(): Promise<string> {
  const page = join(HARNESS_DIR, 'liveness.html');
  // In the monorepo, rebuild when @dualrec/face was rebuilt after the harness (a stale harness
  // would evaluate old code); an installed CLI just uses the harness it ships.
  if (existsSync(page) && statSync(page).mtimeMs >= faceBuiltAt()) return HARNESS_DIR;
  if (!existsSync(BUILD_SCRIPT))
    throw new DualrecError('ASSET_NOT_FOUND', { detail: `the liveness harness is missing (${HARNESS_DIR})` });
  try {
    const { buildLivenessHarness } = (await import(pathToFileURL(BUILD_SCRIPT).href)) as {
      buildLivenessHarness(o: { quiet: boolean }): Promise<string>;
    };
    return await buildLivenessHarness({ quiet: true });
  } catch (cause) {
    throw new DualrecError('ASSET_NOT_FOUND', {
      detail: `the liveness harness is missing and could not be built: ${(cause as Error).message}`,
      cause,
    });
  }
}

/** Serves the harness at / and the asset folder at /dualrec-assets/, from one local origin. */
function serve(harnessDir: string, assetsDir: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const [root, rest] = path.startsWith('/dualrec-assets/')
      ? [assetsDir, path.slice('/dualrec-assets/'.length)]
      : [harnessDir, path.slice(1)];
    const file = join(root, normalize(rest));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('Content-Type', MIME[extname(file)] ?? 'application/octet-stream');
    res.setHeader('Content-Length', String(statSync(file).size));
    createReadStream(file).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') return fail(new Error('no port'));
      ok({ server, origin: `http://127.0.0.1:${address.port}` });
    });
  });
}

function ffmpeg(ffmpegPath: string, input: string, output: string): Promise<void> {
  // 640×480 letterboxed (the analyzer's guide oval assumes the camera's usual 4:3), MJPEG: about
  // 10× smaller than y4m; Chromium plays it at 30 fps and loops it.
  const args = ['-y', '-v', 'error', '-i', input, '-an', '-vf'];
  args.push(
    'fps=30,scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuvj420p',
    '-c:v',
    'mjpeg',
    '-q:v',
    '3',
    '-f',
    'mjpeg',
    output,
  );
  return new Promise((ok, fail) => {
    const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', (cause) =>
      fail(
        new DualrecError('BAD_USAGE', {
          detail: `cannot run ${ffmpegPath} to convert ${input}: ${cause.message}`,
          cause,
        }),
      ),
    );
    child.on('close', (code) =>
      code === 0
        ? ok()
        : fail(
            new DualrecError('BAD_USAGE', { detail: `ffmpeg could not convert ${input}: ${stderr.trim()}` }),
          ),
    );
  });
}

/**
 * One harness server and a scratch folder for converted videos; `run` launches one Chromium per
 * video (the fake camera file is a launch flag).
 */
export class LivenessRunner {
  private constructor(
    private readonly options: RunnerOptions,
    private readonly server: Server,
    private readonly origin: string,
    private readonly scratch: string,
  ) {}

  static async open(options: RunnerOptions): Promise<LivenessRunner> {
    const wasm = join(options.assetsDir, 'mediapipe/face_landmarker.task');
    if (!existsSync(wasm))
      throw new DualrecError('ASSET_NOT_FOUND', {
        detail: `no MediaPipe files in ${options.assetsDir}; run "dualrec assets --out assets-dist" first`,
        context: { assetsDir: options.assetsDir },
      });
    if (!existsSync(options.chromiumPath))
      throw new DualrecError('BAD_USAGE', {
        detail: `no Chromium at ${options.chromiumPath} (set --chromium or CHROMIUM_PATH)`,
      });
    const harness = await ensureHarness();
    const { server, origin } = await serve(harness, resolve(options.assetsDir));
    const scratch = await mkdtemp(join(tmpdir(), 'dualrec-liveness-'));
    return new LivenessRunner(options, server, origin, scratch);
  }

  async run(video: string, request: HarnessRequest): Promise<HarnessResult> {
    if (!existsSync(video) || !statSync(video).isFile())
      throw new DualrecError('BAD_USAGE', { detail: `no such video file: ${video}` });
    let camera = video;
    if (!NATIVE.has(extname(video).toLowerCase())) {
      camera = join(this.scratch, `${basename(video)}.${Date.now()}.mjpeg`);
      await ffmpeg(this.options.ffmpegPath ?? 'ffmpeg', video, camera);
    }
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: this.options.chromiumPath,
      args: [
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--autoplay-policy=no-user-gesture-required',
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${resolve(camera)}`,
      ],
    });
    try {
      const context = await browser.newContext();
      // The harness must not reach any other origin (MediaPipe's usage log included).
      await context.route('**/*', (route) => {
        const url = route.request().url();
        return url.startsWith(this.origin) || url.startsWith('blob:') || url.startsWith('data:')
          ? route.continue()
          : route.abort('blockedbyclient');
      });
      const page = await context.newPage();
      page.setDefaultTimeout(this.options.timeoutMs ?? 90_000);
      await page.goto(`${this.origin}/liveness.html`);
      await page.waitForSelector('body[data-ready="true"]');
      return (await page.evaluate(
        (r) =>
          (window as unknown as { dualrecLiveness: { run(r: unknown): unknown } }).dualrecLiveness.run(r),
        request,
      )) as HarnessResult;
    } finally {
      await browser.close();
      if (camera !== video) await rm(camera, { force: true });
    }
  }

  async close(): Promise<void> {
    await new Promise<void>((ok) => this.server.close(() => ok()));
    await rm(this.scratch, { recursive: true, force: true });
  }
}

/** Parses `--challenges blink,turn-left` (order kept). */
export function parseChallenges(list: string): Challenge[] {
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0)
    throw new DualrecError('BAD_USAGE', { detail: '--challenges needs at least one name' });
  for (const name of names)
    if (!(CHALLENGES as readonly string[]).includes(name))
      throw new DualrecError('BAD_USAGE', {
        detail: `unknown challenge "${name}" (known: ${CHALLENGES.join(', ')})`,
      });
  if (new Set(names).size !== names.length)
    throw new DualrecError('BAD_USAGE', { detail: 'a challenge is listed twice' });
  return names as Challenge[];
}

export const COMMON_OPTIONS_USAGE = `  --assets DIR        output folder of "dualrec assets" (default: assets-dist); its
                      mediapipe/ folder holds the wasm files and face_landmarker.task
  --chromium PATH     Chromium to run the analyzer in (default: $CHROMIUM_PATH, else /usr/bin/chromium)
  --ffmpeg PATH       ffmpeg used to convert videos other than .y4m/.mjpeg (default: ffmpeg)
`;

export function runnerOptions(values: {
  assets?: string;
  chromium?: string;
  ffmpeg?: string;
}): RunnerOptions {
  return {
    assetsDir: resolve(values.assets ?? 'assets-dist'),
    chromiumPath: values.chromium ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    ...(values.ffmpeg ? { ffmpegPath: values.ffmpeg } : {}),
  };
}
