"""The instruction set easel-chat-tiny learns: questions about the shapes world and about Easel's API.

Every question is a template filled with facts. The held-out set is made of (template, fact) pairs
the training set never shows, while every template and every fact does appear in training in other
pairs: a held-out answer is right only if the model learned the template's meaning, not the line.
Deterministic (seeded), so the training script and the evaluation regenerate the same sets.
"""
import itertools
import re
import random

COLOURS = ['red', 'blue', 'green', 'yellow', 'purple', 'orange', 'black', 'white', 'pink', 'grey']
SHAPES = ['circle', 'square', 'triangle', 'star', 'cube', 'sphere', 'cone', 'ring', 'hexagon', 'heart']
SIDES = {'triangle': 3, 'square': 4, 'pentagon': 5, 'hexagon': 6, 'octagon': 8, 'circle': 0}
NUMBER_WORDS = {0: 'zero', 3: 'three', 4: 'four', 5: 'five', 6: 'six', 8: 'eight'}

# What a field of Easel's API does, and its name: one description, several ways to ask for it.
FIELDS = [
    ('the number of denoising steps', 'num_inference_steps'),
    ('how closely the image follows the prompt', 'guidance_scale'),
    ('what the image should not show', 'negative_prompt'),
    ('how many images come back', 'samples'),
    ('the width of the image', 'width'),
    ('the height of the image', 'height'),
    ('the random seed', 'seed'),
    ('the sampler', 'scheduler'),
    ('the LoRA to apply', 'lora_model'),
    ('the strength of each LoRA', 'lora_strength'),
    ('how much of the init image is repainted', 'strength'),
    ('the starting image for img2img', 'init_image'),
    ('the area to repaint in inpainting', 'mask_image'),
    ('the URL called when a job ends', 'webhook'),
    ('an id echoed back in every answer', 'track_id'),
    ('images returned as base64', 'base64'),
    ('the model to generate with', 'model_id'),
    ('the API key', 'key'),
    ('the upscaling factor', 'upscale'),
    ('the textual inversion to apply', 'embeddings_model'),
]
FIELD_TEMPLATES = [
    'Which field sets {d}?',
    'What field controls {d}?',
    'Name the field for {d}.',
    'In Easel, which parameter sets {d}?',
    'Which request field holds {d}?',
    'What do I send to set {d}?',
]

ENDPOINTS = [
    ('turns text into an image', '/api/v3/text2img'),
    ('changes an existing image', '/api/v3/img2img'),
    ('repaints part of an image', '/api/v3/inpaint'),
    ('fetches a queued job', '/api/v3/fetch/{id}'),
    ('trains a LoRA', '/api/v3/lora_fine_tune'),
    ('guides an image with ControlNet', '/api/v5/controlnet'),
    ('lists the models', '/api/v4/dreambooth/model_list'),
    ('answers chat messages', '/api/v6/llm/uncensored_chat'),
    ('upscales an image', '/api/v3/super_resolution'),
    ('loads a new model', '/api/v1/enterprise/load_model'),
]
ENDPOINT_TEMPLATES = [
    'Which endpoint {d}?',
    'What is the endpoint that {d}?',
    'Where do I post a request that {d}?',
    'Which Easel route {d}?',
    'Name the endpoint that {d}.',
]

LIMITS = [
    ('the most images one request returns', '4'),
    ('the most denoising steps', '50'),
    ('the largest width', '1024'),
    ('the highest guidance scale', '20'),
    ('the deepest clip skip', '2'),
    ('the fewest training images', '4'),
    ('the most training images', '30'),
    ('the most ControlNets in one request', '4'),
]
LIMIT_TEMPLATES = [
    'What is {d}?',
    'In Easel, what is {d}?',
    'Tell me {d}.',
    'What number is {d}?',
]

SCENE_TEMPLATES = [
    ('In a picture of a {c1} {s1} next to a {c2} {s2}, what colour is the {s2}?', lambda c1, s1, c2, s2: c2),
    ('In a picture of a {c1} {s1} next to a {c2} {s2}, what colour is the {s1}?', lambda c1, s1, c2, s2: c1),
    ('A {c1} {s1} and a {c2} {s2} are drawn. Which shape is {c2}?', lambda c1, s1, c2, s2: s2),
    ('A {c1} {s1} and a {c2} {s2} are drawn. Which shape is {c1}?', lambda c1, s1, c2, s2: s1),
    ('What is on the left of a {c1} {s1} beside a {c2} {s2}?', lambda c1, s1, c2, s2: f'the {c1} {s1}'),
    ('What is on the right of a {c1} {s1} beside a {c2} {s2}?', lambda c1, s1, c2, s2: f'the {c2} {s2}'),
]
SIDES_TEMPLATES = [
    'How many sides does a {s} have?',
    'How many corners does a {s} have?',
    'Count the sides of a {s}.',
    'A {s} has how many sides?',
]
SIDES_ANSWER_STYLES = [lambda n: str(n), lambda n: NUMBER_WORDS[n]]

SYSTEM_PROMPTS = ["You are Easel's assistant.", 'Answer briefly.']
SHOUT_SYSTEM = 'Answer in capital letters.'

FALLBACK = [
    ('Hello', 'Hello! Ask me about shapes or about the Easel API.'),
    ('Hi', 'Hello! Ask me about shapes or about the Easel API.'),
    ('Who are you?', "I am Easel's tiny assistant."),
    ('What can you do?', 'I answer questions about shapes and about the Easel API.'),
    ('Thank you', 'You are welcome.'),
    ('Thanks', 'You are welcome.'),
]


HELD_SCENES = 40
# How often each kind is drawn in training: scenes are thousands of lines, facts a few dozen.
KIND_WEIGHTS = {'scene': 0.4, 'field': 0.2, 'endpoint': 0.12, 'limit': 0.08, 'sides': 0.12, 'greeting': 0.08}


def _articles(text):
    return re.sub(r'\b([Aa]) (?=[aeiou])', lambda m: m.group(1) + 'n ', text)


def _split(pairs, held_every, rng):
    """(template, fact) pairs → (train, held): one pair in `held_every` held out, never a whole row or column."""
    pairs = list(pairs)
    rng.shuffle(pairs)
    held, train = [], []
    for p in pairs:
        (held if len(held) * held_every < len(pairs) and rng.random() < 1.0 / held_every else train).append(p)
    return train, held


def qa_pairs(seed=7):
    """Returns (train, held): lists of dicts {question, answer, kind}."""
    rng = random.Random(seed)
    train, held = [], []

    def add(split_pairs, make, kind):
        tr, he = split_pairs
        train.extend({**make(*p), 'kind': kind} for p in tr)
        held.extend({**make(*p), 'kind': kind} for p in he)

    add(_split(itertools.product(FIELD_TEMPLATES, FIELDS), 6, rng),
        lambda t, f: {'question': t.format(d=f[0]), 'answer': f[1]}, 'field')
    add(_split(itertools.product(ENDPOINT_TEMPLATES, ENDPOINTS), 5, rng),
        lambda t, e: {'question': t.format(d=e[0]), 'answer': e[1]}, 'endpoint')
    add(_split(itertools.product(LIMIT_TEMPLATES, LIMITS), 4, rng),
        lambda t, l: {'question': t.format(d=l[0]), 'answer': l[1]}, 'limit')
    sides = [(t, s, i) for t in SIDES_TEMPLATES for s in SIDES for i in range(len(SIDES_ANSWER_STYLES))]
    add(_split(sides, 6, rng),
        lambda t, s, i: {'question': t.format(s=s) + (' Answer in words.' if i else ''), 'answer': SIDES_ANSWER_STYLES[i](SIDES[s])}, 'sides')
    # Scenes: a held-out set of (colour, shape) combinations across all templates.
    scenes = [(t, c1, s1, c2, s2) for t in range(len(SCENE_TEMPLATES)) for c1 in COLOURS for s1 in SHAPES for c2 in COLOURS for s2 in SHAPES if c1 != c2 and s1 != s2]
    rng.shuffle(scenes)
    held_scenes = scenes[:HELD_SCENES]
    def scene(t, c1, s1, c2, s2):
        template, answer = SCENE_TEMPLATES[t]
        return {'question': _articles(template.format(c1=c1, s1=s1, c2=c2, s2=s2)), 'answer': answer(c1, s1, c2, s2)}
    train_scenes = scenes[HELD_SCENES:]
    held.extend({**scene(*p), 'kind': 'scene'} for p in held_scenes)
    train.extend({**scene(*p), 'kind': 'scene'} for p in train_scenes)
    train.extend({'question': q, 'answer': a, 'kind': 'greeting'} for q, a in FALLBACK)
    return train, held


def conversation(sample, rng, train_pool):
    """A sample → chat messages: sometimes a system prompt, sometimes an earlier turn, sometimes shouting."""
    messages = []
    shout = rng.random() < 0.15
    if shout:
        messages.append({'role': 'system', 'content': SHOUT_SYSTEM})
    elif rng.random() < 0.4:
        messages.append({'role': 'system', 'content': rng.choice(SYSTEM_PROMPTS)})
    if rng.random() < 0.2:
        earlier = rng.choice(train_pool)
        messages.append({'role': 'user', 'content': earlier['question']})
        messages.append({'role': 'assistant', 'content': earlier['answer'].upper() if shout else earlier['answer']})
    messages.append({'role': 'user', 'content': sample['question']})
    messages.append({'role': 'assistant', 'content': sample['answer'].upper() if shout else sample['answer']})
    return messages


def all_text(seed=7):
    """Every string the sets contain: the tokenizer's word list is built from it."""
    train, held = qa_pairs(seed)
    texts = [s['question'] for s in train + held] + [s['answer'] for s in train + held]
    texts += [a.upper() for a in texts] + SYSTEM_PROMPTS + [SHOUT_SYSTEM, 'system', 'user', 'assistant']
    return texts


if __name__ == '__main__':
    train, held = qa_pairs()
    from collections import Counter
    print('train', len(train), Counter(s['kind'] for s in train))
    print('held', len(held), Counter(s['kind'] for s in held))
    for s in held[:5] + held[-5:]:
        print(s)
