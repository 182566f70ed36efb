"""easel-tiny-voice's networks: the cloner's speaker encoder and converter, and the judge's
speaker-verification net (a different architecture on different features, its own seed)."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def stats_pool(h):
    """[B, C, T] -> [B, 2C]: mean and standard deviation over time."""
    mean = h.mean(-1)
    std = (h.var(-1, unbiased=False) + 1e-5).sqrt()
    return torch.cat([mean, std], 1)


class SpeakerEncoder(nn.Module):
    """log-mel [B, T, 80] -> unit embedding [B, D]: dilated convolutions, statistics pooling."""

    def __init__(self, n_mels=80, channels=128, dim=64):
        super().__init__()
        self.register_buffer("mean", torch.zeros(n_mels))
        self.register_buffer("std", torch.ones(n_mels))
        layers, c_in = [], n_mels
        for d in [1, 2, 3, 1]:
            layers += [nn.Conv1d(c_in, channels, 5, padding=2 * d, dilation=d), nn.BatchNorm1d(channels), nn.ReLU()]
            c_in = channels
        self.convs = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.Linear(2 * channels, 128), nn.ReLU(), nn.Linear(128, dim))

    def forward(self, mel):
        x = ((mel - self.mean) / self.std).transpose(1, 2)
        return F.normalize(self.head(stats_pool(self.convs(x))), dim=-1)


class FilmBlock(nn.Module):
    """Residual dilated conv whose instance-normalised activations take the target speaker's scale and shift (AdaIN)."""

    def __init__(self, channels, dim, dilation):
        super().__init__()
        self.conv = nn.Conv1d(channels, channels, 5, padding=2 * dilation, dilation=dilation)
        self.film = nn.Linear(dim, 2 * channels)
        self.mix = nn.Conv1d(channels, channels, 1)

    def forward(self, h, spk):
        y = self.conv(F.leaky_relu(h, 0.2))
        y = (y - y.mean(-1, keepdim=True)) / (y.var(-1, keepdim=True, unbiased=False) + 1e-5).sqrt()
        g, b = self.film(spk).unsqueeze(-1).chunk(2, 1)
        return h + self.mix(F.leaky_relu(y * (1 + g) + b, 0.2))


class Converter(nn.Module):
    """Source log-mel [B, T, 80] + target embedding [B, D] -> log-magnitude [B, T, 513] in the
    target voice, frame for frame with the source. The input is instance-normalised per mel band
    over time, which strips the source speaker's average spectrum; the blocks put the target's back."""

    def __init__(self, n_mels=80, bins=513, dim=64, channels=160, dilations=(1, 2, 4, 8, 1, 2, 4, 8)):
        super().__init__()
        self.inp = nn.Conv1d(n_mels + 1, channels, 5, padding=2)
        self.blocks = nn.ModuleList([FilmBlock(channels, dim, d) for d in dilations])
        self.out = nn.Conv1d(channels, bins, 3, padding=1)

    def forward(self, mel, spk):
        x = mel.transpose(1, 2)
        # the frame's loudness relative to the utterance's (kept: silence must stay silent)
        level = x.mean(1, keepdim=True)
        level = level - level.mean(-1, keepdim=True)
        x = (x - x.mean(-1, keepdim=True)) / (x.var(-1, keepdim=True, unbiased=False) + 1e-5).sqrt()
        h = self.inp(torch.cat([x, level], 1))
        for b in self.blocks:
            h = b(h, spk)
        return self.out(F.leaky_relu(h, 0.2)).transpose(1, 2)


class JudgeNet(nn.Module):
    """The judge's speaker-verification embedding: MFCC [B, T, 20] (c0 dropped inside) -> unit [B, D].
    Frame-wise layers with a short context, statistics pooling; nothing shared with SpeakerEncoder."""

    def __init__(self, n_mfcc=20, channels=96, dim=48):
        super().__init__()
        self.register_buffer("mean", torch.zeros(n_mfcc - 1))
        self.register_buffer("std", torch.ones(n_mfcc - 1))
        self.frames = nn.Sequential(nn.Conv1d(n_mfcc - 1, channels, 3, padding=1), nn.ReLU(),
                                    nn.Conv1d(channels, channels, 1), nn.ReLU(),
                                    nn.Conv1d(channels, channels, 3, padding=1), nn.ReLU())
        self.head = nn.Linear(2 * channels, dim)

    def forward(self, mfcc):
        x = ((mfcc[..., 1:] - self.mean) / self.std).transpose(1, 2)
        return F.normalize(self.head(stats_pool(self.frames(x))), dim=-1)


class AmSoftmax(nn.Module):
    """Additive-margin softmax over the training speakers (CosFace): scale 20, margin 0.2."""

    def __init__(self, dim, classes, scale=20.0, margin=0.2):
        super().__init__()
        self.w = nn.Parameter(torch.randn(classes, dim) * 0.1)
        self.scale, self.margin = scale, margin

    def forward(self, emb, labels):
        cos = emb @ F.normalize(self.w, dim=-1).T
        logits = self.scale * (cos - self.margin * F.one_hot(labels, cos.shape[1]))
        loss = F.cross_entropy(logits, labels)
        return loss, (cos.argmax(1) == labels).float().mean()
