import type { GraphProto, NodeProto } from './model-proto';

/** True when `node` is the standard (ai.onnx) operator `opType`, not a contrib op of the same name. */
export function isOp(node: NodeProto, opType: string): boolean {
  return node.opType === opType && node.domain === '';
}

/** Who produces and who consumes each tensor of a graph (its top level; subgraphs are not looked into). */
export class GraphEdges {
  private readonly producers = new Map<string, NodeProto>();
  private readonly consumerLists = new Map<string, NodeProto[]>();
  private readonly outputs: Set<string>;
  private readonly initializers: Set<string>;

  constructor(readonly graph: GraphProto) {
    for (const node of graph.node) {
      for (const out of node.output) this.producers.set(out, node);
      for (const input of node.input) {
        if (!input) continue;
        const list = this.consumerLists.get(input) ?? [];
        list.push(node);
        this.consumerLists.set(input, list);
      }
    }
    this.outputs = new Set(graph.output.map((o) => o.name));
    this.initializers = new Set(graph.initializer.map((t) => t.name));
  }

  producer(tensor: string, opType?: string): NodeProto | undefined {
    const node = this.producers.get(tensor);
    return node && (opType === undefined || isOp(node, opType)) ? node : undefined;
  }

  consumers(tensor: string): NodeProto[] {
    return this.consumerLists.get(tensor) ?? [];
  }

  /**
   * The tensor's only consumer, when it has exactly one and is not a graph output. `Shape` nodes do not
   * count: they read the tensor's shape, not its values (exporters compute reshape targets from them).
   */
  soleConsumer(tensor: string, opType?: string): NodeProto | undefined {
    const list = this.consumers(tensor).filter((n) => !isOp(n, 'Shape'));
    if (list.length !== 1 || this.outputs.has(tensor)) return undefined;
    const node = list[0]!;
    return opType === undefined || isOp(node, opType) ? node : undefined;
  }

  isInitializer(tensor: string): boolean {
    return this.initializers.has(tensor);
  }
}

/** True when some node of the graph holds a subgraph (If, Loop, Scan): those read outer tensors by name. */
export function hasSubgraphs(graph: GraphProto): boolean {
  return graph.node.some((n) => n.attribute.some((a) => a.g !== undefined || a.graphs.length > 0));
}

/**
 * The graph's nodes that still feed an output, in their order, and the initializers they read: a
 * node whose outputs nothing reads any more (after a rewrite) goes, and so do weights left unread —
 * with their graph-input entry, where an older export lists initializers as inputs too (left there,
 * it would become an input the caller must feed). The nodes must be in topological order, as ONNX
 * requires; graphs with subgraphs are not pruned.
 */
export function pruneDeadNodes(graph: GraphProto): GraphProto {
  if (hasSubgraphs(graph)) return graph;
  const needed = new Set(graph.output.map((o) => o.name));
  const live: NodeProto[] = [];
  for (let i = graph.node.length - 1; i >= 0; i--) {
    const node = graph.node[i]!;
    if (!node.output.some((o) => needed.has(o))) continue;
    live.push(node);
    for (const input of node.input) if (input) needed.add(input);
  }
  const dropped = new Set(graph.initializer.filter((t) => !needed.has(t.name)).map((t) => t.name));
  return {
    ...graph,
    node: live.reverse(),
    initializer: graph.initializer.filter((t) => !dropped.has(t.name)),
    input: graph.input.filter((i) => !dropped.has(i.name)),
  };
}
