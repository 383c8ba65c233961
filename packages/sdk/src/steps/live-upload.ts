/**
 * Upload while recording (options.liveUpload): the recording step starts a deferred-length tus
 * upload fed from the capture store (BundlePrefix: the recording part's ZIP header and its sealed
 * records, fixed and encrypted once stored); the seal step checks that the bundle really starts
 * with those bytes; the upload step stops the feed and `uploadBundle` sends only what the server
 * does not hold yet. Any failure here only means more is sent at the end: never lost evidence.
 */
import type { BundlePrefix } from '@dualrec/capture';
import type { StepContext } from '../step.js';

/** Starts the live upload for this session unless it is off, already running or impossible. */
export async function startLiveUpload(context: StepContext): Promise<void> {
  const { runtime } = context;
  const { grant, capture } = runtime;
  const endpoint = runtime.options.uploadUrl;
  if (runtime.live || !grant || !capture || !endpoint) return;
  if (runtime.options.liveUpload === false || !runtime.stepsPlanned.includes('upload')) return;
  const { LiveUpload } = await import('@dualrec/upload');
  const prefix = capture.bundlePrefix();
  const upload = LiveUpload.start({
    endpoint,
    sessionId: grant.sessionId,
    ticket: grant.ticket,
    source: prefix,
    onError: (error) => {
      // The seal and upload steps send the whole bundle instead (nothing is lost).
      void context
        .log('upload.live.failed', { code: error.code, status: Number(error.context?.status ?? 0) })
        .catch(() => undefined);
    },
  });
  runtime.live = { upload, prefix };
  await context.log('upload.live.started', {});
}

/** True when the bundle's first `prefix.length` bytes are the ones the live upload may have sent. */
export async function prefixMatches(prefix: BundlePrefix, bundle: Blob): Promise<boolean> {
  const length = prefix.length;
  if (length > bundle.size) return false;
  const block = 1 << 20;
  for (let start = 0; start < length; start += block) {
    const end = Math.min(length, start + block);
    const [ours, theirs] = await Promise.all([
      prefix.read(start, end),
      bundle.slice(start, end).arrayBuffer(),
    ]);
    const other = new Uint8Array(theirs);
    if (ours.length !== other.length) return false;
    for (let i = 0; i < ours.length; i++) if (ours[i] !== other[i]) return false;
  }
  return true;
}
