// node models/training/add_hidden_states.mjs <model-dir>   (after a build: it uses engine-diffusion's ONNX proto)
//
// Adds the text encoder's hidden states as graph outputs named as optimum names them when a CLIP
// text model is exported with output_hidden_states (SD 1.5's ONNX exports): hidden_states.0 (the
// embeddings) … hidden_states.N (the last layer, before the final LayerNorm). Only Identity nodes
// and outputs are added: every initializer and existing node stays as it was, so last_hidden_state
// and pooler_output are bit-identical (the script checks that on a few prompts' ids).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';

const require = createRequire(new URL('../../packages/engine-diffusion/package.json', import.meta.url));
const { clone, create } = require('@bufbuild/protobuf');
const { parseModel, serializeModel } = require('../../packages/engine-diffusion/dist/onnx/model-proto.js');
const { NodeProtoSchema, ValueInfoProtoSchema } = require('../../packages/engine-diffusion/dist/gen/onnx/onnx_pb.js');
const ort = require('onnxruntime-node');

// The tensor each hidden state is, by model (names from torch.onnx.export's scopes; read off the graph).
const STATES = {
  // CLIPTextModel, 3 layers: the embeddings' sum, then each encoder layer's second residual add
  'easel-tiny': ['/Add_output_0', '/layers.0/Add_2_output_0', '/layers.1/Add_2_output_0', '/layers.2/Add_2_output_0'],
  // make.py's stand-in: the projected embeddings, then its two residual mixing blocks
  'sd15-random': ['/proj/Add_output_0', '/Add_2_output_0', '/Add_4_output_0'],
};

const dir = resolve(process.argv[2] ?? '');
const tensors = STATES[basename(dir)];
if (!tensors) throw new Error(`usage: add_hidden_states.mjs <model-dir>, one of ${Object.keys(STATES).join(', ')}`);
const path = join(dir, 'text_encoder', 'model.onnx');
const before = readFileSync(path);
const model = parseModel(before, path);
const graph = model.graph;
if (graph.output.some((o) => o.name.startsWith('hidden_states'))) throw new Error(`${path} already has hidden states`);
const produced = new Set(graph.node.flatMap((n) => n.output));
const last = graph.output.find((o) => o.name === 'last_hidden_state');
tensors.forEach((tensor, i) => {
  if (!produced.has(tensor)) throw new Error(`${path} has no tensor ${tensor}`);
  const name = `hidden_states.${i}`;
  graph.node.push(create(NodeProtoSchema, { opType: 'Identity', name: `/${name}`, input: [tensor], output: [name] }));
  graph.output.push(Object.assign(clone(ValueInfoProtoSchema, last), { name }));
});
writeFileSync(path, serializeModel(model));

// the original outputs must not move by one bit
const ids = [[624, 1, 2, 3, 625], [624, 625], [624, 7, 8, 9, 10, 11, 625]].map((p) => [...p, ...Array(77 - p.length).fill(625)]);
const int64 = (await ort.InferenceSession.create(before)).inputMetadata?.[0]?.type === 'int64';
const feeds = { input_ids: int64 ? new ort.Tensor('int64', BigInt64Array.from(ids.flat(), BigInt), [3, 77]) : new ort.Tensor('int32', Int32Array.from(ids.flat()), [3, 77]) };
const [a, b] = await Promise.all([before, path].map(async (m) => (await ort.InferenceSession.create(m)).run(feeds)));
for (const out of ['last_hidden_state', 'pooler_output']) {
  const same = a[out].data.every((v, k) => Object.is(v, b[out].data[k]));
  if (!same) throw new Error(`${out} changed`);
}
console.log(`${path}: +${tensors.map((_, i) => `hidden_states.${i}`).join(', ')}; last_hidden_state and pooler_output bit-identical; ${before.length} → ${readFileSync(path).length} bytes`);
