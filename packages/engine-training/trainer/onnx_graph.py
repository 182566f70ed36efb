"""An exported ONNX graph (a UNet, a text encoder, a VAE encoder) run as a differentiable torch function.

The trainer reads the model exactly as the model store holds it: no private checkpoint, no
architecture code per model family. Every float initializer becomes a tensor the trainer may
make trainable (fine_tune) or wrap with a low-rank delta (LoRA) by the module path that
Easel's LoRA merge looks weights up by (`graph_weights.py`).
"""
import os

import onnx
import torch
from onnx import helper

from onnx_ops import OPS, tensor_of


def _attributes(node):
    out = {}
    for attr in node.attribute:
        value = helper.get_attribute_value(attr)
        if isinstance(value, onnx.TensorProto):
            value = tensor_of(value)
        out[attr.name] = value
    return out


class OnnxGraph:
    def __init__(self, path):
        try:
            model = onnx.load(path, load_external_data=True)
        except Exception as error:
            raise ValueError(f"{path} is not a readable ONNX graph ({type(error).__name__}: {error})") from error
        graph = model.graph
        unsupported = sorted({n.op_type for n in graph.node if n.op_type not in OPS or n.domain not in ("", "ai.onnx")})
        if unsupported:
            raise ValueError(f"{path}: operators the trainer cannot run: {', '.join(unsupported)}")
        self.path = path
        self.proto = model
        self.initializers = {t.name: tensor_of(t) for t in graph.initializer}
        self.inputs = [i for i in graph.input if i.name not in self.initializers]
        self.outputs = [o.name for o in graph.output]
        self.nodes = [(n.op_type, list(n.input), list(n.output), _attributes(n), n.name) for n in graph.node]
        # A value's last reader: freed after it, so a forward pass holds only live activations.
        last = {}
        for i, (_op, ins, _outs, _a, _n) in enumerate(self.nodes):
            for name in ins:
                last[name] = i
        self.frees = [[] for _ in self.nodes]
        for name, i in last.items():
            if name not in self.initializers and name not in self.outputs:
                self.frees[i].append(name)
        # Weight overrides: initializer name -> callable(base tensor) -> tensor used in its place.
        self.overrides = {}

    def input_names(self):
        return [i.name for i in self.inputs]

    def input_dims(self, name):
        for i in self.inputs:
            if i.name == name:
                return [d.dim_value if d.HasField("dim_value") else None for d in i.type.tensor_type.shape.dim]
        raise KeyError(name)

    def weight(self, name):
        base = self.initializers[name]
        override = self.overrides.get(name)
        return override(base) if override else base

    def __call__(self, feeds, outputs=None):
        values = dict(feeds)
        wanted = outputs or self.outputs
        for i, (op, ins, outs, attrs, _name) in enumerate(self.nodes):
            args = []
            for name in ins:
                if name == "":
                    args.append(None)
                elif name in values:
                    args.append(values[name])
                else:
                    args.append(self.weight(name))
            result = OPS[op](args, attrs)
            if isinstance(result, tuple):
                for name, value in zip(outs, result):
                    values[name] = value
            else:
                values[outs[0]] = result
            for name in self.frees[i]:
                if name not in wanted:
                    values.pop(name, None)
        return [values[name] for name in wanted]

    def save_with(self, replaced, path):
        """Writes the graph with the given initializers' new values (fine_tune's output)."""
        from onnx import numpy_helper

        model = onnx.load(self.path, load_external_data=True)
        for t in model.graph.initializer:
            if t.name in replaced:
                array = replaced[t.name].detach().to(self.initializers[t.name].dtype).numpy()
                t.CopyFrom(numpy_helper.from_array(array, t.name))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        onnx.save(model, path)
