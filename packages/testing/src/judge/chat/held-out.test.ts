import { chatHeldOut, judgeExactMatch } from './held-out';

describe('the chat judge', () => {
  it('scores exact answers only, per kind, and lists the misses', async () => {
    const questions = [
      { question: 'a?', answer: 'red', kind: 'scene' },
      { question: 'b?', answer: 'seed', kind: 'field' },
      { question: 'c?', answer: '4', kind: 'field' },
    ];
    const replies: Record<string, string> = { 'a?': ' red\n', 'b?': 'Seed', 'c?': '4.' };
    const score = await judgeExactMatch(questions, async (q) => replies[q]);
    expect(score).toMatchObject({ right: 1, total: 3, byKind: { scene: [1, 1], field: [0, 2] } });
    expect(score.wrong.map((w) => w.got)).toEqual(['Seed', '4.']);
  });

  it('reads the bundled model\'s held-out set', () => {
    const held = chatHeldOut();
    expect(held.length).toBeGreaterThan(50);
    expect(new Set(held.map((q) => q.kind))).toEqual(new Set(['scene', 'field', 'endpoint', 'limit', 'sides']));
  });
});
