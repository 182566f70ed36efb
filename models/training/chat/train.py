"""Trains easel-chat-tiny on dataset.py's instruction set and exports it to GGUF.

    /usr/bin/python3 models/training/chat/train.py [--steps 2400] [--minutes 45] [--out models/easel-chat-tiny]

Resumable: a checkpoint (weights, optimiser, step, random state) is written every 200 steps to
models/training/chat/.work/ and picked up by the next run. Stops at --steps or after --minutes of
this run, whichever is first; exports the GGUF and the held-out figures (greedy, in torch) then.
"""
import argparse
import json
import math
import os
import random
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from dataset import KIND_WEIGHTS, all_text, conversation, qa_pairs  # noqa: E402
from export_gguf import export  # noqa: E402
from model import ChatModel, Config  # noqa: E402
from tokenizer import IM_END, Tokenizer, chat_ids  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, '.work')


def batches(train, tok, rng, size, pool=8):
    """Batches of `size` conversations; `pool` batches' worth are drawn at once and sorted by length,
    so that a batch pads little (the conversations run from 20 to 80 tokens)."""
    by_kind = {}
    for s in train:
        by_kind.setdefault(s['kind'], []).append(s)
    kinds, weights = zip(*KIND_WEIGHTS.items())
    while True:
        rows = []
        for _ in range(size * pool):
            sample = rng.choice(by_kind[rng.choices(kinds, weights)[0]])
            rows.append(chat_ids(tok, conversation(sample, rng, train)))
        rows.sort(key=lambda r: len(r[0]))
        groups = [rows[i:i + size] for i in range(0, len(rows), size)]
        rng.shuffle(groups)
        for group in groups:
            yield collate(group)


def collate(rows):
    width = max(len(ids) for ids, _ in rows)
    ids = torch.zeros(len(rows), width, dtype=torch.long)
    target = torch.full((len(rows), width), -100, dtype=torch.long)
    for r, (row, trained) in enumerate(rows):
        ids[r, :len(row)] = torch.tensor(row)
        for i in range(len(row) - 1):
            if trained[i + 1]:
                target[r, i] = row[i + 1]
    return ids, target


@torch.no_grad()
def greedy(model, tok, messages, max_new=24):
    ids, _ = chat_ids(tok, messages, add_generation_prompt=True)
    out = []
    for _ in range(max_new):
        nxt = int(model(torch.tensor([ids + out]))[0, -1].argmax())
        if nxt == IM_END:
            break
        out.append(nxt)
    return tok.decode(out)


def evaluate(model, tok, held):
    model.eval()
    per_kind = {}
    for s in held:
        answer = greedy(model, tok, [{'role': 'user', 'content': s['question']}])
        right, total = per_kind.get(s['kind'], (0, 0))
        per_kind[s['kind']] = (right + (answer.strip() == s['answer']), total + 1)
    model.train()
    right = sum(r for r, _ in per_kind.values())
    return right / len(held), {k: f'{r}/{t}' for k, (r, t) in per_kind.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--steps', type=int, default=2400)
    ap.add_argument('--minutes', type=float, default=45)
    ap.add_argument('--batch', type=int, default=48)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--out', default=os.path.join(HERE, '..', '..', 'easel-chat-tiny'))
    ap.add_argument('--threads', type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    tok = Tokenizer(all_text())
    train, held = qa_pairs()
    config = Config(vocab_size=len(tok), dim=256, heads=8, ffn=704)
    model = ChatModel(config)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01, betas=(0.9, 0.98))
    rng = random.Random(1)
    step, elapsed = 0, 0.0
    ckpt = os.path.join(WORK, 'checkpoint.pt')
    if os.path.exists(ckpt):
        state = torch.load(ckpt)
        model.load_state_dict(state['model'])
        opt.load_state_dict(state['opt'])
        step, elapsed = state['step'], state['elapsed']
        rng.setstate(state['rng'])
        print(f'resumed at step {step} ({elapsed / 60:.1f} min trained)', flush=True)
    params = sum(p.numel() for p in model.parameters())
    print(f'vocab {len(tok)}, parameters {params / 1e6:.2f} M, train {len(train)}, held-out {len(held)}', flush=True)
    os.makedirs(WORK, exist_ok=True)
    started = time.time()
    data = batches(train, tok, rng, args.batch)
    smooth = None
    while step < args.steps and (time.time() - started) < args.minutes * 60:
        warm = min(1.0, (step + 1) / 200)
        lr = args.lr * warm * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / args.steps)))
        for g in opt.param_groups:
            g['lr'] = lr
        ids, target = next(data)
        logits = model(ids)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1), ignore_index=-100)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        smooth = loss.item() if smooth is None else 0.98 * smooth + 0.02 * loss.item()
        if step % 50 == 0:
            print(f'step {step} loss {smooth:.4f} lr {lr:.2e} {elapsed + time.time() - started:.0f}s', flush=True)
        if step % 200 == 0 or step == args.steps:
            torch.save({'model': model.state_dict(), 'opt': opt.state_dict(), 'step': step, 'elapsed': elapsed + time.time() - started, 'rng': rng.getstate()}, ckpt + '.tmp')
            os.replace(ckpt + '.tmp', ckpt)
        if step % 1000 == 0:
            score, per_kind = evaluate(model, tok, held)
            print(f'step {step} held-out exact match {score:.3f} {per_kind}', flush=True)
    elapsed += time.time() - started
    torch.save({'model': model.state_dict(), 'opt': opt.state_dict(), 'step': step, 'elapsed': elapsed, 'rng': rng.getstate()}, ckpt)
    os.makedirs(args.out, exist_ok=True)
    export(model, tok, os.path.join(args.out, 'easel-chat-tiny.gguf'))
    score, per_kind = evaluate(model, tok, held)
    figures = {'steps': step, 'train_minutes': round(elapsed / 60, 1), 'parameters': params, 'vocab': len(tok), 'config': config.to_dict(),
               'heldout_exact_match_torch': round(score, 4), 'heldout_by_kind': per_kind, 'final_loss': round(smooth or 0, 4)}
    with open(os.path.join(args.out, 'training.json'), 'w') as f:
        json.dump(figures, f, indent=2)
    with open(os.path.join(args.out, 'heldout.json'), 'w') as f:
        json.dump([{**s, 'ids': tok.encode(s['question'])} for s in held], f, indent=1)
    print(json.dumps(figures), flush=True)


if __name__ == '__main__':
    main()
