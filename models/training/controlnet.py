"""A ControlNet for the UNet of models.py, shaped like diffusers' ControlNetModel.

A trainable copy of the UNet's encoder half (time embedding, conv_in, down blocks, middle block)
reads the noisy latents plus an embedding of the control image (the hint, at image resolution),
and hands one residual per skip connection and one for the middle block to the frozen UNet
through zero-initialised 1x1 convolutions, so an untrained ControlNet changes nothing.

    forward(sample, timestep, encoder_hidden_states, controlnet_cond, conditioning_scale)
        -> down_block_res_samples (one per UNet skip connection), mid_block_res_sample

`conditioning_scale` multiplies every residual, as in diffusers. Guess mode's ramp is applied by
the pipeline to the outputs (the TypeScript engine does it), not inside the graph.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

import models as M

# The hint goes from image resolution to latent resolution (factor 8) through three stride-2 convs.
COND_EMBEDDING_CHANNELS = (16, 32, 64, 128)


def zero_conv(channels):
    conv = nn.Conv2d(channels, channels, 1)
    nn.init.zeros_(conv.weight)
    nn.init.zeros_(conv.bias)
    return conv


class ControlNetConditioningEmbedding(nn.Module):
    """diffusers' ControlNetConditioningEmbedding: conv_in, (conv, stride-2 conv) per level, zero conv_out."""

    def __init__(self, out_channels, cond_channels=3, block_out_channels=COND_EMBEDDING_CHANNELS):
        super().__init__()
        self.conv_in = nn.Conv2d(cond_channels, block_out_channels[0], 3, padding=1)
        blocks = []
        for cin, cout in zip(block_out_channels[:-1], block_out_channels[1:]):
            blocks.append(nn.Conv2d(cin, cin, 3, padding=1))
            blocks.append(nn.Conv2d(cin, cout, 3, padding=1, stride=2))
        self.blocks = nn.ModuleList(blocks)
        self.conv_out = nn.Conv2d(block_out_channels[-1], out_channels, 3, padding=1)
        nn.init.zeros_(self.conv_out.weight)
        nn.init.zeros_(self.conv_out.bias)

    def forward(self, cond):
        h = F.silu(self.conv_in(cond))
        for block in self.blocks:
            h = F.silu(block(h))
        return self.conv_out(h)


class ControlNet(nn.Module):
    def __init__(self, block_out_channels, in_channels=4, out_channels=4, cross_attention_dim=128,
                 attention_head_dim=32, layers_per_block=1):
        super().__init__()
        # The encoder half is built exactly as the UNet builds it, so the UNet's weights load into it.
        unet = M.UNet(block_out_channels, in_channels, out_channels, cross_attention_dim, attention_head_dim,
                      layers_per_block)
        self.c0 = unet.c0
        self.time_mlp, self.conv_in, self.down = unet.time_mlp, unet.conv_in, unet.down
        self.mid1, self.mid_attn, self.mid2 = unet.mid1, unet.mid_attn, unet.mid2
        self.controlnet_cond_embedding = ControlNetConditioningEmbedding(block_out_channels[0])
        skip_channels = [block_out_channels[0]]
        for m in self.down:
            skip_channels.append(m[0].conv2.out_channels if isinstance(m, nn.ModuleList) else m.out_channels)
        self.controlnet_down_blocks = nn.ModuleList([zero_conv(c) for c in skip_channels])
        self.controlnet_mid_block = zero_conv(block_out_channels[-1])

    @classmethod
    def from_unet(cls, unet, config):
        """diffusers' ControlNetModel.from_unet: the encoder half starts as a copy of the UNet's."""
        net = cls(**config)
        own = net.state_dict()
        for key, value in unet.state_dict().items():
            if key in own and own[key].shape == value.shape:
                own[key] = value.clone()
        net.load_state_dict(own)
        return net

    def forward(self, sample, timestep, encoder_hidden_states, controlnet_cond, conditioning_scale):
        emb = M.timestep_embedding(timestep.reshape(-1), self.c0)
        emb = M.lin(F.silu(M.lin(emb, self.time_mlp[0])), self.time_mlp[2])
        ctx = encoder_hidden_states
        h = self.conv_in(sample) + self.controlnet_cond_embedding(controlnet_cond)
        hs = [h]
        for m in self.down:
            h = m[1](m[0](h, emb), ctx) if isinstance(m, nn.ModuleList) else m(h)
            hs.append(h)
        h = self.mid2(self.mid_attn(self.mid1(h, emb), ctx), emb)
        scale = conditioning_scale.reshape(-1)[0] if torch.is_tensor(conditioning_scale) else conditioning_scale
        down = [zc(x) * scale for zc, x in zip(self.controlnet_down_blocks, hs)]
        return down, self.controlnet_mid_block(h) * scale


class ControlNetExport(nn.Module):
    """Flat outputs for torch.onnx.export: down_block_res_samples_0..n-1, then mid_block_res_sample."""

    def __init__(self, controlnet):
        super().__init__()
        self.controlnet = controlnet

    def forward(self, sample, timestep, encoder_hidden_states, controlnet_cond, conditioning_scale):
        down, mid = self.controlnet(sample, timestep, encoder_hidden_states, controlnet_cond, conditioning_scale)
        return (*down, mid)


def skip_shapes(unet, batch, height, width):
    """The shapes of the UNet's skip connections and middle block for a latent of height x width."""
    with torch.no_grad():
        shapes = []
        h = torch.zeros(batch, unet.conv_in.in_channels, height, width)
        h = unet.conv_in(h)
        shapes.append(tuple(h.shape))
        for m in unet.down:
            if isinstance(m, nn.ModuleList):
                h = torch.zeros(batch, m[0].conv2.out_channels, *h.shape[2:])
            else:
                h = m(h)
            shapes.append(tuple(h.shape))
        return shapes, tuple(h.shape)
