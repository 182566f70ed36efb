"""The ONNX operators of Stable Diffusion exports (opset 11-17), written as differentiable torch calls.

Each function takes (inputs, attributes) and returns one tensor or a tuple. Shape arithmetic
(Shape/Gather/Concat on int64) runs as small CPU tensors, as it does in onnxruntime.
An operator that is not here fails the load with its name, never silently.
"""
import math

import torch
import torch.nn.functional as F
from onnx import TensorProto, numpy_helper

DTYPES = {
    TensorProto.FLOAT: torch.float32,
    TensorProto.FLOAT16: torch.float16,
    TensorProto.DOUBLE: torch.float64,
    TensorProto.INT64: torch.int64,
    TensorProto.INT32: torch.int32,
    TensorProto.INT8: torch.int8,
    TensorProto.UINT8: torch.uint8,
    TensorProto.BOOL: torch.bool,
}


def tensor_of(proto):
    return torch.from_numpy(numpy_helper.to_array(proto).copy())


def _ints(t):
    return [int(v) for v in t.reshape(-1).tolist()]


def _axes(inputs, attrs, index):
    """Axes from the attribute (older opsets) or the optional input (newer ones)."""
    if "axes" in attrs:
        return list(attrs["axes"])
    if len(inputs) > index and inputs[index] is not None:
        return _ints(inputs[index])
    return None


def _binary(fn):
    return lambda x, a: fn(x[0], x[1])


def _div(x, _a):
    a, b = x
    if a.is_floating_point() or b.is_floating_point():
        return a / b
    return torch.div(a, b, rounding_mode="trunc")


def _reshape(x, a):
    data, shape = x[0], _ints(x[1])
    if not a.get("allowzero", 0):
        shape = [data.shape[i] if s == 0 else s for i, s in enumerate(shape)]
    return data.reshape(shape)


def _unsqueeze(x, a):
    out = x[0]
    axes = _axes(x, a, 1)
    rank = out.dim() + len(axes)
    for axis in sorted(ax % rank for ax in axes):
        out = out.unsqueeze(axis)
    return out


def _squeeze(x, a):
    axes = _axes(x, a, 1)
    if axes is None:
        return x[0].squeeze()
    out = x[0]
    for axis in sorted((ax % out.dim() for ax in axes), reverse=True):
        out = out.squeeze(axis)
    return out


def _gather(x, a):
    data, idx = x
    axis = a.get("axis", 0) % data.dim()
    idx = torch.where(idx < 0, idx + data.shape[axis], idx).long()
    flat = torch.index_select(data, axis, idx.reshape(-1))
    return flat.reshape(data.shape[:axis] + idx.shape + data.shape[axis + 1:])


def _slice(x, a):
    data = x[0]
    if "starts" in a:  # opset < 10
        starts, ends, axes, steps = list(a["starts"]), list(a["ends"]), a.get("axes"), None
    else:
        starts, ends = _ints(x[1]), _ints(x[2])
        axes = _ints(x[3]) if len(x) > 3 and x[3] is not None else None
        steps = _ints(x[4]) if len(x) > 4 and x[4] is not None else None
    axes = list(axes) if axes is not None else list(range(len(starts)))
    steps = steps or [1] * len(starts)
    index = [slice(None)] * data.dim()
    for s, e, ax, st in zip(starts, ends, axes, steps):
        if st < 0:
            raise NotImplementedError("Slice with a negative step")
        n = data.shape[ax]
        s = max(0, min(n, s + n if s < 0 else s))
        e = max(0, min(n, e + n if e < 0 else e))
        index[ax % data.dim()] = slice(s, e, st)
    return data[tuple(index)]


def _matmul(x, _a):
    a, b = x
    if b.dim() == 2 and a.dim() > 2:
        # Folding the batch dims keeps the weight's gradient one matmul (as F.linear does).
        return (a.reshape(-1, a.shape[-1]) @ b).reshape(*a.shape[:-1], b.shape[-1])
    return torch.matmul(a, b)


def _gemm(x, a):
    A, B = x[0], x[1]
    if a.get("transA", 0):
        A = A.t()
    if a.get("transB", 0):
        B = B.t()
    out = a.get("alpha", 1.0) * (A @ B)
    if len(x) > 2 and x[2] is not None:
        out = out + a.get("beta", 1.0) * x[2]
    return out


def _same_pads(pads):
    half = len(pads) // 2
    return pads[:half] == pads[half:], pads[:half]


def _conv(x, a):
    inp, weight = x[0], x[1]
    bias = x[2] if len(x) > 2 else None
    pads = list(a.get("pads", [0] * 2 * (weight.dim() - 2)))
    symmetric, begin = _same_pads(pads)
    if not symmetric:
        # F.pad takes (last dim begin, last dim end, ...).
        half = len(pads) // 2
        inp = F.pad(inp, [p for i in reversed(range(half)) for p in (pads[i], pads[i + half])])
        begin = [0] * half
    if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise NotImplementedError("Conv auto_pad")
    conv = F.conv2d if weight.dim() == 4 else F.conv1d
    return conv(inp, weight, bias, stride=list(a.get("strides", [1] * (weight.dim() - 2))),
                padding=begin, dilation=list(a.get("dilations", [1] * (weight.dim() - 2))), groups=a.get("group", 1))


def _reduce_mean(x, a):
    axes = _axes(x, a, 1)
    keep = bool(a.get("keepdims", 1))
    if axes is None:
        return x[0].mean() if not keep else x[0].mean(dim=tuple(range(x[0].dim())), keepdim=True)
    return x[0].mean(dim=tuple(axes), keepdim=keep)


def _resize(x, a):
    data = x[0]
    scales = x[2] if len(x) > 2 and x[2] is not None and x[2].numel() > 0 else None
    sizes = x[3] if len(x) > 3 and x[3] is not None and x[3].numel() > 0 else None
    mode = a.get("mode", b"nearest")
    mode = mode.decode() if isinstance(mode, bytes) else mode
    if sizes is not None:
        size = _ints(sizes)[2:]
        kwargs = {"size": size}
    else:
        kwargs = {"scale_factor": [float(s) for s in scales.tolist()[2:]]}
    if mode == "nearest":
        return F.interpolate(data, mode="nearest", **kwargs)
    ctm = a.get("coordinate_transformation_mode", b"half_pixel")
    ctm = ctm.decode() if isinstance(ctm, bytes) else ctm
    torch_mode = "bilinear" if data.dim() == 4 else "linear"
    if mode == "cubic":
        torch_mode = "bicubic"
    return F.interpolate(data, mode=torch_mode, align_corners=ctm == "align_corners", **kwargs)


def _clip(x, a):
    low = x[1] if len(x) > 1 and x[1] is not None else a.get("min")
    high = x[2] if len(x) > 2 and x[2] is not None else a.get("max")
    low = low.item() if torch.is_tensor(low) else low
    high = high.item() if torch.is_tensor(high) else high
    return torch.clamp(x[0], min=low, max=high)


def _cast(x, a):
    return x[0].to(DTYPES[a["to"]])


def _constant(_x, a):
    if "value" in a:
        return a["value"]
    if "value_float" in a:
        return torch.tensor(a["value_float"], dtype=torch.float32)
    if "value_int" in a:
        return torch.tensor(a["value_int"], dtype=torch.int64)
    if "value_ints" in a:
        return torch.tensor(list(a["value_ints"]), dtype=torch.int64)
    if "value_floats" in a:
        return torch.tensor(list(a["value_floats"]), dtype=torch.float32)
    raise NotImplementedError("Constant without a value")


def _constant_of_shape(x, a):
    value = a.get("value", torch.zeros(1, dtype=torch.float32))
    return torch.full(_ints(x[0]), value.reshape(-1)[0].item(), dtype=value.dtype)


def _expand(x, _a):
    return x[0].expand(torch.broadcast_shapes(x[0].shape, tuple(_ints(x[1]))))


def _argmax(x, a):
    axis = a.get("axis", 0)
    if a.get("select_last_index", 0):
        flipped = x[0].flip(axis)
        out = x[0].shape[axis] - 1 - flipped.argmax(dim=axis, keepdim=bool(a.get("keepdims", 1)))
        return out
    return x[0].argmax(dim=axis, keepdim=bool(a.get("keepdims", 1)))


def _cumsum(x, a):
    axis = int(x[1].reshape(-1)[0])
    data = x[0].flip(axis) if a.get("reverse", 0) else x[0]
    out = data.cumsum(axis)
    if a.get("exclusive", 0):
        out = out - data
    return out.flip(axis) if a.get("reverse", 0) else out


def _range(x, _a):
    start, limit, delta = (v.reshape(-1)[0].item() for v in x)
    return torch.arange(start, limit, delta, dtype=x[0].dtype)


def _flatten(x, a):
    axis = a.get("axis", 1) % max(1, x[0].dim())
    lead = math.prod(x[0].shape[:axis])
    return x[0].reshape(lead, -1)


def _pad(x, a):
    data = x[0]
    pads = _ints(x[1]) if len(x) > 1 and x[1] is not None else list(a["pads"])
    value = x[2].reshape(-1)[0].item() if len(x) > 2 and x[2] is not None and x[2].numel() else a.get("value", 0.0)
    mode = a.get("mode", b"constant")
    mode = mode.decode() if isinstance(mode, bytes) else mode
    half = len(pads) // 2
    torch_pads = [p for i in reversed(range(half)) for p in (pads[i], pads[i + half])]
    # Drop leading zero pairs for dims torch's non-constant modes do not pad.
    if mode != "constant":
        while len(torch_pads) > 4 and torch_pads[-1] == 0 and torch_pads[-2] == 0:
            torch_pads = torch_pads[:-2]
        return F.pad(data, torch_pads, mode={"edge": "replicate"}.get(mode, mode))
    return F.pad(data, torch_pads, value=value)


def _average_pool(x, a):
    pads = list(a.get("pads", [0, 0, 0, 0]))
    symmetric, begin = _same_pads(pads)
    if not symmetric:
        raise NotImplementedError("AveragePool with asymmetric pads")
    return F.avg_pool2d(x[0], list(a["kernel_shape"]), stride=list(a.get("strides", a["kernel_shape"])), padding=begin,
                        ceil_mode=bool(a.get("ceil_mode", 0)), count_include_pad=bool(a.get("count_include_pad", 0)))


def _split(x, a):
    axis = a.get("axis", 0)
    sizes = list(a["split"]) if "split" in a else (_ints(x[1]) if len(x) > 1 and x[1] is not None else None)
    if sizes is None:
        n = a["num_outputs"]
        sizes = [x[0].shape[axis] // n] * n
    return tuple(torch.split(x[0], sizes, dim=axis))


def _layer_norm(x, a):
    axis = a.get("axis", -1) % x[0].dim()
    shape = x[0].shape[axis:]
    bias = x[2] if len(x) > 2 else None
    return F.layer_norm(x[0], shape, x[1], bias, a.get("epsilon", 1e-5))


OPS = {
    "Add": _binary(torch.add), "Sub": _binary(torch.sub), "Mul": _binary(torch.mul), "Div": _div,
    "Pow": _binary(torch.pow), "Equal": _binary(torch.eq), "Less": _binary(torch.lt), "Greater": _binary(torch.gt),
    "MatMul": _matmul, "Gemm": _gemm, "Conv": _conv,
    "Sigmoid": lambda x, a: torch.sigmoid(x[0]), "Tanh": lambda x, a: torch.tanh(x[0]),
    "Erf": lambda x, a: torch.erf(x[0]), "Sqrt": lambda x, a: torch.sqrt(x[0]),
    "Cos": lambda x, a: torch.cos(x[0]), "Sin": lambda x, a: torch.sin(x[0]), "Exp": lambda x, a: torch.exp(x[0]),
    "Neg": lambda x, a: -x[0], "Relu": lambda x, a: torch.relu(x[0]), "Identity": lambda x, a: x[0],
    "Not": lambda x, a: torch.logical_not(x[0]),
    "Softmax": lambda x, a: torch.softmax(x[0], dim=a.get("axis", -1)),
    "InstanceNormalization": lambda x, a: F.instance_norm(x[0], weight=x[1], bias=x[2], eps=a.get("epsilon", 1e-5)),
    "LayerNormalization": _layer_norm,
    "ReduceMean": _reduce_mean, "Transpose": lambda x, a: x[0].permute(*a["perm"]) if "perm" in a else x[0].permute(*reversed(range(x[0].dim()))),
    "Reshape": _reshape, "Unsqueeze": _unsqueeze, "Squeeze": _squeeze, "Flatten": _flatten,
    "Concat": lambda x, a: torch.cat([t for t in x if t is not None and t.numel() > 0] or [x[0]], dim=a["axis"]),
    "Gather": _gather, "GatherElements": lambda x, a: torch.gather(x[0], a.get("axis", 0), x[1].long()),
    "Slice": _slice, "Split": _split, "Shape": lambda x, a: torch.tensor(x[0].shape, dtype=torch.int64)[a.get("start", 0):a.get("end")],
    "Cast": _cast, "Constant": _constant, "ConstantOfShape": _constant_of_shape, "Expand": _expand,
    "Where": lambda x, a: torch.where(x[0], x[1], x[2]), "ArgMax": _argmax, "CumSum": _cumsum, "Range": _range,
    "Clip": _clip, "Pad": _pad, "AveragePool": _average_pool, "Resize": _resize,
}
