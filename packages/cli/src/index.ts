export {
  ASSET_INDEX_FILE,
  findPackageDir,
  type GatherOptions,
  type GatherProgress,
  type GatherReport,
  type GatherStatus,
  gatherAssets,
} from './assets/gather.js';
export {
  type AssetEntry,
  type AssetManifest,
  type AssetSource,
  type AssetTransform,
  DEFAULT_MANIFEST_URL,
  loadAssetManifest,
  parseAssetManifest,
} from './assets/manifest.js';
export {
  filterTessdata,
  LSTM_ONLY_COMPONENTS,
  readTessdataTable,
  TESSDATA_COMPONENTS,
  type TessdataComponent,
  type TessdataEntry,
} from './assets/traineddata.js';
export { applyTransform, deterministicGzip } from './assets/transform.js';
export type { Command, CommandIo } from './io.js';
export { COMMANDS, main } from './main.js';
