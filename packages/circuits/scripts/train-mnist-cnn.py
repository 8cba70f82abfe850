#!/usr/bin/python3
"""Trains Tender's convolutional MNIST model and exports it to ONNX.

    apt-get install -y python3-torch python3-onnx     # Debian's PyTorch 1.13 and onnx 1.12
    /usr/bin/python3 packages/circuits/scripts/train-mnist-cnn.py          # writes models/mnist-cnn.onnx
    npx tsx packages/circuits/scripts/import-mnist-cnn.ts                  # quantizes it for the circuit

Only this script needs Python; the ONNX file it writes is committed, and
everything after it (import, quantization, circuit, tests) is TypeScript.

Data: the same fixed split as the MLP (`loadMnist`: the npm `mnist` package's
10,000 digits, 80 % of each digit for training, the rest held out), dumped by
`dump-mnist.ts`. The held-out digits are only measured, never trained on.

Model (defaults): conv 5x5 stride 2 (1 -> 8 channels) + BatchNorm + ReLU,
dense 1152 -> 64 + ReLU, dense 64 -> 10 logits. Inputs are p / 255. 60 epochs
took about 25 minutes on the shared 2-core machine (held-out float accuracy
98.65 %, 1977/2004).
Training: Adam, cosine learning rate, random shifts / rotations / scaling of
the training digits, fixed seeds, one thread (deterministic on one machine).
"""
import argparse
import math
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..'))


def load_mnist():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'mnist.bin')
        subprocess.run(['npx', 'tsx', os.path.join(HERE, 'dump-mnist.ts'), out], cwd=REPO, check=True)
        raw = open(out, 'rb').read()
    n_train, n_test = struct.unpack_from('<II', raw, 0)
    data = np.frombuffer(raw, dtype=np.uint8, offset=8).reshape(n_train + n_test, 785)
    labels = torch.tensor(data[:, 0].astype(np.int64))
    images = torch.tensor(data[:, 1:].astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
    return (images[:n_train], labels[:n_train]), (images[n_train:], labels[n_train:])


class Net(nn.Module):
    """conv(k, stride) + BN + ReLU, optionally a second conv 3x3 stride 2 + BN + ReLU, then dense layers."""

    def __init__(self, channels, kernel, stride, channels2, hidden):
        super().__init__()
        self.conv = nn.Conv2d(1, channels, kernel, stride=stride)
        self.bn = nn.BatchNorm2d(channels)
        side = (28 - kernel) // stride + 1
        self.conv2 = nn.Conv2d(channels, channels2, 3, stride=2) if channels2 else None
        self.bn2 = nn.BatchNorm2d(channels2) if channels2 else None
        if channels2:
            side = (side - 3) // 2 + 1
        width = (channels2 or channels) * side * side
        self.fc1 = nn.Linear(width, hidden) if hidden else None
        self.fc2 = nn.Linear(hidden or width, 10)

    def forward(self, x):
        x = F.relu(self.bn(self.conv(x)))
        if self.conv2 is not None:
            x = F.relu(self.bn2(self.conv2(x)))
        x = torch.flatten(x, 1)
        if self.fc1 is not None:
            x = F.relu(self.fc1(x))
        return self.fc2(x)


def augment(x, gen):
    """Random rotation (±10°), scale (0.92-1.08) and shift (±2 px) of each digit."""
    n = x.shape[0]
    angle = (torch.rand(n, generator=gen) * 2 - 1) * math.radians(10)
    scale = 0.92 + torch.rand(n, generator=gen) * 0.16
    shift = (torch.rand(n, 2, generator=gen) * 2 - 1) * (2 / 14)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, x.shape, align_corners=False)
    return F.grid_sample(x, grid, align_corners=False, padding_mode='zeros')


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        return (model(x).argmax(1) == y).sum().item()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--channels', type=int, default=8)
    ap.add_argument('--kernel', type=int, default=5)
    ap.add_argument('--stride', type=int, default=2)
    ap.add_argument('--channels2', type=int, default=0)
    ap.add_argument('--hidden', type=int, default=64)
    ap.add_argument('--epochs', type=int, default=60)
    ap.add_argument('--seed', type=int, default=20240607)
    ap.add_argument('--out', default=os.path.join(REPO, 'packages/circuits/models/mnist-cnn.onnx'))
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    gen = torch.Generator().manual_seed(args.seed)
    (xtr, ytr), (xte, yte) = load_mnist()
    print(f'{len(ytr)} training digits, {len(yte)} held-out digits', file=sys.stderr)
    model = Net(args.channels, args.kernel, args.stride, args.channels2, args.hidden)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-4)
    batch = 64
    steps = args.epochs * math.ceil(len(ytr) / batch)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * s / steps)))
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(ytr), generator=gen)
        total = 0.0
        for b in range(0, len(ytr), batch):
            idx = order[b:b + batch]
            x = augment(xtr[idx], gen)
            loss = F.cross_entropy(model(x), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        print(f'epoch {epoch + 1}/{args.epochs}: loss {total / len(ytr):.4f}, '
              f'held-out {accuracy(model, xte, yte)}/{len(yte)}', file=sys.stderr)
    model.eval()
    ok = accuracy(model, xte, yte)
    print(f'float accuracy on held-out digits: {ok}/{len(yte)} = {100 * ok / len(yte):.2f} %', file=sys.stderr)
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), args.out, opset_version=13,
                      input_names=['pixels'], output_names=['logits'], do_constant_folding=True)
    print(f'wrote {os.path.relpath(args.out, REPO)}', file=sys.stderr)


if __name__ == '__main__':
    main()
