const { runFlite } = require('./dist/flite/flite-wasi');
function info(wav) {
  if (!wav) return 'none';
  const rate = wav.readUInt32LE(24); const bits = wav.readUInt16LE(34); const ch = wav.readUInt16LE(22);
  const n = (wav.length - 44) / 2;
  // rough F0 estimate by autocorrelation over whole
  return `rate=${rate} bits=${bits} ch=${ch} dur=${(n / rate).toFixed(3)}`;
}
async function main() {
  const lv = await runFlite(['-lv'], false); console.log('lv:', lv.stdout);
  for (const v of ['slt', 'rms', 'awb', 'kal16', 'kal', 'awb_time']) {
    const t0 = Date.now();
    const a = await runFlite(['-voice', v, '-t', 'Hello world. The quick brown fox jumps over 42 lazy dogs.']);
    const b = await runFlite(['-voice', v, '-t', 'Hello world. The quick brown fox jumps over 42 lazy dogs.']);
    const s = await runFlite(['-voice', v, '--setf', 'duration_stretch=0.6667', '-t', 'Hello world. The quick brown fox jumps over 42 lazy dogs.']);
    const p = await runFlite(['-voice', v, '--setf', 'int_f0_target_mean=200', '-t', 'Hello world. The quick brown fox jumps over 42 lazy dogs.']);
    console.log(v, info(a.wav), 'same', a.wav.equals(b.wav), 'stretch', info(s.wav), 'pitchdiff', !a.wav.equals(p.wav), Date.now() - t0, 'ms');
  }
  const ps = await runFlite(['-voice', 'slt', '-psdur', '-t', 'Hello world, 42 dogs.'], false); console.log(JSON.stringify(ps.stdout));
  const ps2 = await runFlite(['-voice', 'slt', '-ps', '-t', 'Hello world, 42 dogs.'], false); console.log(JSON.stringify(ps2.stdout));
  const long = 'This is a fairly long sentence that goes on. '.repeat(60);
  const l = await runFlite(['-voice', 'slt', '-t', long]); console.log('long', long.length, info(l.wav));
}
main().catch((e) => console.error("ERR", e));
