export { philox4x32, PhiloxNormalStream } from './philox';
export { SampleNoise, randomSeed, MAX_SEED } from './noise';
