"""easel-chat-tiny's tokenizer: a SentencePiece-style ("llama") vocabulary that llama.cpp reads from the GGUF.

Pieces are the dataset's words, with and without the leading "▁" (an escaped space), and every prefix
of them, so that llama.cpp's SPM merge (highest score first, leftmost on ties) builds whole words;
characters are pieces too, and any other byte falls back to <0xNN>. `encode` below is that merge,
written as llama.cpp writes it (llm_tokenizer_spm), so that training sees the ids the service will
feed; packages/engine-chat checks that llama.cpp agrees on the held-out questions.
"""
import heapq
import re

SPACE = '\u2581'
SPECIALS = ['<unk>', '<s>', '</s>', '<|im_start|>', '<|im_end|>']
UNK, BOS, EOS_TEXT, IM_START, IM_END = range(len(SPECIALS))
# llama.cpp's token types.
NORMAL, UNKNOWN, CONTROL, BYTE = 1, 2, 3, 6
WORD = re.compile(r'[A-Za-z]+|[0-9]+')


class Tokenizer:
    def __init__(self, texts):
        pieces = {}
        chars = [SPACE] + [chr(c) for c in range(33, 127)]
        for word in sorted({w for t in texts for w in WORD.findall(t)}):
            for variant in (word, SPACE + word):
                for end in range(2, len(variant) + 1):
                    pieces[variant[:end]] = float(end)
        self.tokens = SPECIALS + [f'<0x{b:02X}>' for b in range(256)] + chars + sorted(pieces, key=lambda p: (len(p), p))
        self.scores = [0.0] * (len(SPECIALS) + 256 + len(chars)) + [pieces[p] for p in self.tokens[len(SPECIALS) + 256 + len(chars):]]
        self.types = [UNKNOWN, CONTROL, CONTROL, CONTROL, CONTROL] + [BYTE] * 256 + [NORMAL] * (len(self.tokens) - len(SPECIALS) - 256)
        self.ids = {t: i for i, t in enumerate(self.tokens)}
        self.byte_base = len(SPECIALS)

    def __len__(self):
        return len(self.tokens)

    def encode(self, text):
        """Plain text (no special tokens) → ids, as llama.cpp's SPM session does it."""
        if not text:
            return []
        text = text.replace(' ', SPACE)
        syms = [{'text': ch, 'prev': i - 1, 'next': i + 1 if i + 1 < len(text) else -1, 'alive': True} for i, ch in enumerate(text)]
        queue, rev_merge = [], {}

        def try_add(left, right):
            if left == -1 or right == -1:
                return
            merged = syms[left]['text'] + syms[right]['text']
            token = self.ids.get(merged)
            if token is None:
                return
            # heapq is a min-heap: highest score first, then the leftmost.
            heapq.heappush(queue, (-self.scores[token], left, right, len(merged)))
            rev_merge[merged] = (syms[left]['text'], syms[right]['text'])

        for i in range(1, len(syms)):
            try_add(i - 1, i)
        while queue:
            _, left, right, size = heapq.heappop(queue)
            l, r = syms[left], syms[right]
            if not l['alive'] or not r['alive'] or len(l['text']) + len(r['text']) != size or l['next'] != right:
                continue
            l['text'] += r['text']
            r['alive'] = False
            l['next'] = r['next']
            if r['next'] != -1:
                syms[r['next']]['prev'] = left
            try_add(l['prev'], left)
            try_add(left, l['next'])
        out = []

        def resegment(piece):
            token = self.ids.get(piece)
            if token is not None and self.types[token] == NORMAL:
                out.append(token)
            elif piece in rev_merge:
                for part in rev_merge[piece]:
                    resegment(part)
            else:
                out.extend(self.byte_base + b for b in piece.encode('utf-8'))

        i = 0
        while i != -1:
            resegment(syms[i]['text'])
            i = syms[i]['next']
        return out

    def decode(self, ids):
        data = bytearray()
        for i in ids:
            if self.types[i] == BYTE:
                data.append(i - self.byte_base)
            elif self.types[i] == NORMAL:
                data.extend(self.tokens[i].replace(SPACE, ' ').encode('utf-8'))
        return data.decode('utf-8', errors='replace')


def chat_ids(tok, messages, add_generation_prompt=False):
    """Messages → (ids, trained): ids as node-llama-cpp's ChatML wrapper lays them out, token by segment
    (the wrapper tokenizes each text segment apart), and a flag per id: 1 where the model's own reply is."""
    ids, trained = [BOS], [0]

    def seg(segment_ids, learn=0):
        ids.extend(segment_ids)
        trained.extend([learn] * len(segment_ids))

    for m in messages:
        seg([IM_START])
        seg(tok.encode(m['role'] + '\n'))
        reply = m['role'] == 'assistant'
        seg(tok.encode(m['content']), 1 if reply else 0)
        seg([IM_END], 1 if reply else 0)
        seg(tok.encode('\n'))
    if add_generation_prompt:
        seg([IM_START])
        seg(tok.encode('assistant\n'))
    return ids, trained
