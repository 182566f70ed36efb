"""The linear and convolution weights of a graph by module path: the same index Easel's LoRA merge
builds (packages/engine-diffusion/src/adapters/graph-weights.ts), so that a LoRA trained here is
found again, key for key, when it is loaded.
"""
import re
from dataclasses import dataclass


@dataclass
class GraphWeight:
    initializer: str
    # 'in_out': stored [in, out] (MatMul, Gemm transB=0); 'out_in': stored [out, in, ...] (Gemm transB=1, Conv).
    layout: str
    op: str
    path: str


def normalize_path(path):
    return re.sub(r"[./]", "_", path)


def _module_path(initializer, node_name):
    named = re.match(r"^(.+)\.weight$", initializer)
    if named:
        return normalize_path(named.group(1))
    slash = node_name.rfind("/")
    if not node_name.startswith("/") or slash <= 0:
        return None
    return normalize_path(node_name[1:slash])


def index_weights(graph):
    """{module path: GraphWeight} for every MatMul/Gemm/Conv whose weight is an initializer."""
    index = {}
    for op, ins, _outs, attrs, name in graph.nodes:
        if len(ins) < 2 or ins[1] not in graph.initializers:
            continue
        shape = tuple(graph.initializers[ins[1]].shape)
        if op == "MatMul" and len(shape) == 2:
            layout = "in_out"
        elif op == "Gemm" and len(shape) == 2:
            layout = "out_in" if attrs.get("transB", 0) else "in_out"
        elif op == "Conv" and len(shape) >= 3:
            layout = "out_in"
        else:
            continue
        path = _module_path(ins[1], name)
        if path is not None and path not in index:
            index[path] = GraphWeight(ins[1], layout, op, path)
    return index
