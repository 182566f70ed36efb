import { create } from '@bufbuild/protobuf';
import { GraphProtoSchema, NodeProtoSchema, TensorProtoSchema, ValueInfoProtoSchema } from '../gen/onnx/onnx_pb';
import { GraphEdges, pruneDeadNodes } from './graph-edges';

const node = (opType: string, input: string[], output: string[]) => create(NodeProtoSchema, { opType, input, output });
const value = (name: string) => create(ValueInfoProtoSchema, { name });
const weight = (name: string) => create(TensorProtoSchema, { name, dims: [1n], floatData: [1] });

describe('graph edges and dead-node pruning', () => {
  // x → Relu → y (the output); x, w → Mul → dead (nothing reads it); w and v are initializers, w also listed as an input (IR < 4)
  const graph = create(GraphProtoSchema, {
    node: [node('Mul', ['x', 'w'], ['dead']), node('Relu', ['x'], ['r']), node('Add', ['r', 'v'], ['y'])],
    input: [value('x'), value('w')],
    output: [value('y')],
    initializer: [weight('w'), weight('v')],
  });

  it('keeps what feeds an output, drops the rest with the weights only it read and their input entries', () => {
    const pruned = pruneDeadNodes(graph);
    expect(pruned.node.map((n) => n.opType)).toEqual(['Relu', 'Add']);
    expect(pruned.initializer.map((t) => t.name)).toEqual(['v']);
    expect(pruned.input.map((i) => i.name)).toEqual(['x']); // w would otherwise become an input to feed
    expect(graph.node).toHaveLength(3); // the graph given is untouched
  });

  it('finds producers and consumers; a sole consumer ignores reads of the shape only', () => {
    const shaped = create(GraphProtoSchema, { ...graph, node: [...graph.node, node('Shape', ['r'], ['s'])] });
    const edges = new GraphEdges(shaped);
    expect(edges.producer('r')?.opType).toBe('Relu');
    expect(edges.producer('r', 'Mul')).toBeUndefined();
    expect(edges.consumers('x').map((n) => n.opType)).toEqual(['Mul', 'Relu']);
    expect(edges.soleConsumer('r')?.opType).toBe('Add');
    expect(edges.soleConsumer('y')).toBeUndefined(); // a graph output
    expect(edges.isInitializer('w')).toBe(true);
  });
});
