"""ChatModel + Tokenizer → a llama GGUF that llama.cpp (node-llama-cpp) loads: f16 matrices, f32 norms."""
import numpy as np

from gguf import write_gguf
from tokenizer import BOS, IM_END, UNK

# The ChatML template: node-llama-cpp recognises it and lays chats out as tokenizer.chat_ids does.
CHAT_TEMPLATE = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


def export(model, tok, path, name='easel-chat-tiny'):
    c = model.c
    f16 = lambda t: t.detach().float().numpy().astype(np.float16)
    f32 = lambda t: t.detach().float().numpy().astype(np.float32)
    tensors = [('token_embd.weight', f16(model.embed.weight))]
    for i, b in enumerate(model.blocks):
        p = f'blk.{i}.'
        tensors += [
            (p + 'attn_norm.weight', f32(b.attn_norm.weight)),
            (p + 'attn_q.weight', f16(b.wq.weight)),
            (p + 'attn_k.weight', f16(b.wk.weight)),
            (p + 'attn_v.weight', f16(b.wv.weight)),
            (p + 'attn_output.weight', f16(b.wo.weight)),
            (p + 'ffn_norm.weight', f32(b.ffn_norm.weight)),
            (p + 'ffn_gate.weight', f16(b.gate.weight)),
            (p + 'ffn_up.weight', f16(b.up.weight)),
            (p + 'ffn_down.weight', f16(b.down.weight)),
        ]
    tensors.append(('output_norm.weight', f32(model.norm.weight)))
    metadata = {
        'general.architecture': 'llama',
        'general.name': name,
        'general.license': 'apache-2.0',
        'general.file_type': 1,
        'llama.vocab_size': len(tok),
        'llama.context_length': c.context,
        'llama.embedding_length': c.dim,
        'llama.block_count': c.layers,
        'llama.feed_forward_length': c.ffn,
        'llama.rope.dimension_count': c.dim // c.heads,
        'llama.rope.freq_base': float(c.rope_theta),
        'llama.attention.head_count': c.heads,
        'llama.attention.head_count_kv': c.heads,
        'llama.attention.layer_norm_rms_epsilon': float(c.norm_eps),
        'tokenizer.ggml.model': 'llama',
        'tokenizer.ggml.tokens': tok.tokens,
        'tokenizer.ggml.scores': [float(s) for s in tok.scores],
        'tokenizer.ggml.token_type': list(tok.types),
        'tokenizer.ggml.bos_token_id': BOS,
        'tokenizer.ggml.eos_token_id': IM_END,
        'tokenizer.ggml.unknown_token_id': UNK,
        'tokenizer.ggml.padding_token_id': UNK,
        'tokenizer.ggml.add_bos_token': True,
        'tokenizer.ggml.add_eos_token': False,
        'tokenizer.ggml.add_space_prefix': False,
        'tokenizer.chat_template': CHAT_TEMPLATE,
    }
    write_gguf(path, metadata, tensors)
