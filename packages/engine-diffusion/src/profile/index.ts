export { kernelFlops, profileFlops, type ProfileEvent, type ProfileFlops } from './kernel-flops';
export { matmulGraph } from './matmul-graph';
