/** The slice of TensorFlow.js the matcher uses, loaded lazily (it is ~1 MB of JS). */
import type * as TfConverter from '@tensorflow/tfjs-converter';
import type * as TfCore from '@tensorflow/tfjs-core';

export type Tf = typeof TfCore;
export type GraphModel = TfConverter.GraphModel;

export interface TfRuntime {
  tf: Tf;
  loadGraph(modelJson: Uint8Array, weights: Uint8Array): Promise<GraphModel>;
}

export async function importTf(): Promise<TfRuntime> {
  const [tf, converter] = await Promise.all([
    import('@tensorflow/tfjs-core'),
    import('@tensorflow/tfjs-converter'),
  ]);
  // Production mode: no per-op NaN checks, and no console banner suggesting tfjs-node in node.
  tf.enableProdMode();
  return {
    tf,
    async loadGraph(modelJson, weights) {
      const json = JSON.parse(new TextDecoder().decode(modelJson)) as {
        modelTopology: unknown;
        weightsManifest: { weights: TfCore.io.WeightsManifestEntry[] }[];
      };
      const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
      const buffer = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
      return converter.loadGraphModel(
        tf.io.fromMemory({
          modelTopology: json.modelTopology as object,
          weightSpecs,
          weightData: buffer as ArrayBuffer,
        }),
      );
    },
  };
}
