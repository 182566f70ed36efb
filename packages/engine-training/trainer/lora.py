"""LoRA (and LyCORIS LoCon) on an ONNX graph's weights, saved in kohya's key format.

W' = W + (alpha / rank) · up · down, applied where the graph reads the weight. Keys are
`lora_unet_<path>` / `lora_te_<path>` with `.lora_down.weight`, `.lora_up.weight` and `.alpha`,
<path> being the module path Easel's merge (and A1111/kohya loaders) look weights up by.
"""
import torch

from graph_weights import index_weights

TEXT_ENCODER_TARGETS = ("q_proj", "k_proj", "v_proj", "out_proj")


class LowRank(torch.nn.Module):
    def __init__(self, weight, layout, rank, alpha, generator):
        super().__init__()
        shape = tuple(weight.shape)
        if layout == "in_out":
            fan_in, fan_out, kernel = shape[0], shape[1], ()
        else:
            fan_out, fan_in, kernel = shape[0], shape[1], shape[2:]
        self.layout, self.shape, self.rank, self.alpha = layout, shape, rank, float(alpha)
        down = torch.randn((rank, fan_in) + kernel, generator=generator) / rank
        self.down = torch.nn.Parameter(down)
        self.up = torch.nn.Parameter(torch.zeros((fan_out, rank) + tuple(1 for _ in kernel)))

    def delta(self):
        product = self.up.reshape(self.up.shape[0], self.rank) @ self.down.reshape(self.rank, -1)
        product = product * (self.alpha / self.rank)
        if self.layout == "in_out":
            return product.t()
        return product.reshape(self.shape)

    def apply(self, base):
        return base + self.delta()


def _targets(graph, component, with_convs):
    index = index_weights(graph)
    chosen = {}
    for path, w in index.items():
        if component == "te":
            if w.op != "Conv" and any(path.endswith(t) for t in TEXT_ENCODER_TARGETS):
                chosen[path] = w
        elif not path.startswith("time") and (w.op != "Conv" or with_convs):
            chosen[path] = w
    return chosen


def attach(graph, component, rank, alpha, with_convs, generator):
    """Wraps the component's target weights; returns {key prefix: LowRank}."""
    modules = {}
    for path, w in _targets(graph, component, with_convs).items():
        low = LowRank(graph.initializers[w.initializer], w.layout, rank, alpha, generator)
        graph.overrides[w.initializer] = low.apply
        modules[f"lora_{component}_{path}"] = low
    return modules


def tensors(modules):
    out = {}
    for key, low in modules.items():
        out[f"{key}.lora_down.weight"] = low.down.detach().float().numpy()
        out[f"{key}.lora_up.weight"] = low.up.detach().float().numpy()
        out[f"{key}.alpha"] = torch.tensor(low.alpha, dtype=torch.float32).numpy()
    return out
