"""Export a trained VideoUNet: the whole UNet with its motion modules as one ONNX graph
(what packages/engine-video runs), and the motion modules alone as safetensors.

    /usr/bin/python3 models/training/video/train.py --export-only   (re-export the last checkpoint)
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import torch  # noqa: E402

import export_onnx  # noqa: E402
import models as M  # noqa: E402
import motion  # noqa: E402
import safetensors_io  # noqa: E402


def export(video_unet, bundle, out, frame_noise_shared=0.0):
    os.makedirs(os.path.join(out, "unet"), exist_ok=True)
    fast, M.FAST_CPU = M.FAST_CPU, False
    video_unet.eval()
    wrapper = motion.VideoUNetExport(video_unet)
    words = video_unet.words is not None
    args = (torch.randn(1, 4, 8, 16, 16), torch.full((1, 8), 999, dtype=torch.int64), torch.randn(1, 77, 128),
            torch.linspace(0, 1, 8))
    names = ["sample", "timestep", "encoder_hidden_states", "frame_times"]
    axes = {"sample": {0: "batch", 2: "frames", 3: "height", 4: "width"},
            "timestep": {0: "timestep_batch", 1: "timestep_frames"},
            "encoder_hidden_states": {0: "batch", 1: "sequence"}, "frame_times": {0: "frames"},
            "out_sample": {0: "batch", 2: "frames", 3: "height", 4: "width"}}
    if words:
        args += (torch.full((1, 77), 7, dtype=torch.int64),)
        names.append("input_ids")
        axes["input_ids"] = {0: "batch", 1: "sequence"}
    path = os.path.join(out, "unet", "model.onnx")
    with torch.no_grad():
        export_onnx._export(wrapper, args, path, names, ["out_sample"], axes)
        check(wrapper, path)
    M.FAST_CPU = fast
    tensors = {k: v.contiguous().numpy() for k, v in video_unet.motion_state_dict().items()}
    safetensors_io.save(tensors, os.path.join(out, "motion_module.safetensors"),
                        {"base_model": "easel-tiny", "format": "pt"})
    ucfg = bundle["unet_config"]
    with open(os.path.join(out, "unet", "config.json"), "w") as f:
        json.dump({"_class_name": "UNetMotionModel", "_diffusers_version": "0.6.0",
                   "_note": "easel-tiny's UNet with AnimateDiff-style motion modules (models/training/video/motion.py)",
                   "base_model": "easel-tiny", "in_channels": 4, "out_channels": 4, "sample_size": 16,
                   "cross_attention_dim": ucfg["cross_attention_dim"], "block_out_channels": ucfg["block_out_channels"],
                   "layers_per_block": ucfg["layers_per_block"], "attention_head_dim": ucfg["attention_head_dim"],
                   "motion_time_frequencies": motion.TIME_FREQUENCIES, "training_frames": 8,
                   "motion_words": words,
                   # learnt rows added to the image UNet's own text states (motion.py's frame words)
                   "frame_words": video_unet.frame_words is not None,
                   # the share of the starting noise common to all frames it was trained with (engine-video's frame-noise.ts)
                   "frame_noise_shared": frame_noise_shared,
                   "motion_modules": len(video_unet.down_motion) + 1 + len(video_unet.up_motion),
                   "motion_parameters": int(sum(t.size for t in tensors.values()))}, f, indent=2)
        f.write("\n")
    with open(os.path.join(out, "model_index.json"), "w") as f:
        json.dump({"_class_name": "AnimateDiffPipeline", "_diffusers_version": "0.6.0", "base_model": "easel-tiny",
                   "_note": "text encoder, tokenizer, VAE and scheduler are the base model's, unchanged",
                   "unet": ["diffusers", "UNetMotionModel"], "motion_adapter": "motion_module.safetensors"}, f, indent=2)
        f.write("\n")
    print("exported", path, flush=True)


def check(wrapper, path):
    """The graph against torch at another batch, frame count and size than traced, when onnxruntime is here."""
    try:
        import onnxruntime as ort
    except ImportError:
        print("onnxruntime (python) absent: the graph is checked by packages/engine-video's tests", flush=True)
        return
    sess = ort.InferenceSession(path)
    x = torch.randn(2, 4, 16, 8, 12)
    t = torch.tensor([[10] * 16, [500] * 16], dtype=torch.int64)
    ctx = torch.randn(2, 77, 128)
    times = torch.linspace(0, 0.5, 16)
    feeds = {"sample": x.numpy(), "timestep": t.numpy(), "encoder_hidden_states": ctx.numpy(), "frame_times": times.numpy()}
    ids = None
    if wrapper.net.words is not None:
        ids = torch.randint(0, wrapper.net.words.num_embeddings, (2, 77))
        feeds["input_ids"] = ids.numpy()
    ref = wrapper(x, t, ctx, times, ids).numpy()
    got = sess.run(None, feeds)[0]
    print("onnx max abs diff", float(abs(ref - got).max()), flush=True)
