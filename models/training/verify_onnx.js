// node models/training/verify_onnx.js <model-dir> <verify-dir>
// Runs the exported ONNX graphs with onnxruntime-node and compares against torch outputs.
const fs = require('fs'); const path = require('path');
let ort; try { ort = require('onnxruntime-node'); } catch (e) {
  const base = path.join(__dirname, '..', '..', 'node_modules', '.pnpm');
  const d = fs.readdirSync(base).find((x) => x.startsWith('onnxruntime-node@'));
  ort = require(path.join(base, d, 'node_modules', 'onnxruntime-node'));
}
const [modelDir, vdir] = process.argv.slice(2);
const man = JSON.parse(fs.readFileSync(path.join(vdir, 'manifest.json')));
function load(name) {
  const m = man[name]; const buf = fs.readFileSync(path.join(vdir, name + '.bin'));
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const data = m.dtype === 'int32' ? new Int32Array(ab) : m.dtype === 'int64' ? new BigInt64Array(ab) : new Float32Array(ab);
  const type = m.dtype === 'int32' ? 'int32' : m.dtype === 'int64' ? 'int64' : 'float32';
  return new ort.Tensor(type, data, m.shape);
}
async function check(comp, prefix, inputs, outputs) {
  const s = await ort.InferenceSession.create(path.join(modelDir, comp, 'model.onnx'));
  const feeds = {}; for (const i of inputs) feeds[i] = load(prefix + '_' + i);
  const t0 = Date.now(); const res = await s.run(feeds); const ms = Date.now() - t0;
  const io = { inputs: s.inputNames, outputs: s.outputNames };
  for (const o of outputs) {
    const ref = load(prefix + '_' + o).data; const got = res[o].data; let md = 0;
    for (let k = 0; k < ref.length; k++) md = Math.max(md, Math.abs(ref[k] - got[k]));
    console.log(`${comp}.${o} dims=${JSON.stringify(res[o].dims)} type=${res[o].type} max_abs_diff=${md.toExponential(2)} (${ms} ms)`);
  }
  console.log(`  ${comp} io ${JSON.stringify(io)}`);
}
(async () => {
  await check('text_encoder', 'te', ['input_ids'], ['last_hidden_state', 'pooler_output']);
  await check('unet', 'unet', ['sample', 'timestep', 'encoder_hidden_states'], ['out_sample']);
  await check('vae_decoder', 'vaed', ['latent_sample'], ['sample']);
  await check('vae_encoder', 'vaee', ['sample'], ['latent_sample']);
})().catch((e) => { console.error(e); process.exit(1); });
