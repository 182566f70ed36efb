// The thread of a GraphPartner: a second session of one graph, running the other half of a split batch.
import { serveEngine } from '@easel/engine-thread';
import { createGraph, type Graph, type SessionOptions } from './session';
import { fromPlainFeeds, toPlainFeeds, type PlainFeeds } from './row-split';

export interface OpenCall {
  name: string;
  path: string;
  bytes: number;
  options: SessionOptions;
  source: string | Uint8Array;
}

let graph: Graph | undefined;

serveEngine({
  open: async ({ name, path, bytes, options, source }: OpenCall) => {
    graph = await createGraph(name, path, bytes, { ...options, splitRows: false }, source);
    return null;
  },
  run: async ({ feeds, outputs }: { feeds: PlainFeeds; outputs?: string[] }) => {
    if (!graph) throw new Error('the graph partner was not opened');
    return toPlainFeeds(await graph.run(fromPlainFeeds(feeds), outputs));
  },
});
