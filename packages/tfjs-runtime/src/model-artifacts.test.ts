import { shardPaths, toModelArtifacts, type ModelJson } from './model-artifacts';

const json: ModelJson = {
  modelTopology: { node: [] },
  format: 'graph-model',
  weightsManifest: [
    { paths: ['group1-shard1of2', 'group1-shard2of2'], weights: [{ name: 'a', shape: [2], dtype: 'float32' }] },
    { paths: ['group2-shard1of1'], weights: [{ name: 'b', shape: [1], dtype: 'float32' }] },
  ],
};

describe('tfjs model artifacts from local files', () => {
  it('lists the shards in manifest order and concatenates their bytes into one buffer', () => {
    expect(shardPaths(json)).toEqual(['group1-shard1of2', 'group1-shard2of2', 'group2-shard1of1']);
    // Slices of one larger buffer, as Buffer.from(base64) and readFile may give: the offsets must be honoured.
    const pool = Buffer.from([9, 9, 1, 2, 3, 4, 5, 6, 9]);
    const artifacts = toModelArtifacts(json, [pool.subarray(2, 5), pool.subarray(5, 8)]);
    expect(new Uint8Array(artifacts.weightData as ArrayBuffer)).toEqual(new Uint8Array([1, 2, 3, 4, 5, 6]));
    expect(artifacts.weightSpecs?.map((w) => w.name)).toEqual(['a', 'b']);
    expect(artifacts).toMatchObject({ modelTopology: { node: [] }, format: 'graph-model' });
  });
});
