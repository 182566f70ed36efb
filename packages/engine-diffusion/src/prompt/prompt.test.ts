import { DICTIONARIES } from './dictionaries';
import { detectLanguage } from './detect-language';
import { enhancePrompt } from './enhance-prompt';
import { preparePrompt } from './prepare-prompt';
import { translatePrompt } from './translate-prompt';

const FLAGSHIP = 'a red circle on a blue background';

describe('multi_lingual: detection and dictionary translation', () => {
  it.each([
    ['fr', 'un cercle rouge sur fond bleu'],
    ['es', 'un círculo rojo sobre un fondo azul'],
    ['de', 'ein roter Kreis auf blauem Hintergrund'],
    ['it', 'un cerchio rosso su sfondo blu'],
    ['pt', 'um círculo vermelho sobre um fundo azul'],
  ])('%s: "%s" is detected and becomes the English caption', (language, prompt) => {
    const report = preparePrompt(prompt, { multiLingual: true }, {})!;
    expect(report.detectedLanguage).toBe(language);
    expect(report.translated).toBe(true);
    expect(report.used).toBe(FLAGSHIP);
    expect(report.translatedPrompt).toBe(FLAGSHIP);
    expect(report.note).toContain(DICTIONARIES[language].name);
  });

  it('positions, sizes and word order', () => {
    expect(translatePrompt('un petit carré jaune en haut à gauche sur fond vert', 'fr').text).toBe('a small yellow square in the top left on a green background');
    expect(translatePrompt('una estrella amarilla grande en la esquina superior izquierda, fondo negro', 'es').text).toBe('a large yellow star in the top left corner, black background');
    expect(translatePrompt('ein kleiner grüner Stern unten rechts auf schwarzem Hintergrund', 'de').text).toBe('a small green star in the bottom right on a black background');
  });

  it('unknown words are left as they are and reported', () => {
    const t = translatePrompt('un cercle rouge magnifique sur fond bleu', 'fr');
    expect(t.text).toBe('a red circle magnifique on a blue background');
    expect(t.unknown).toEqual(['magnifique']);
  });

  it('an English prompt is left unchanged, and the report says why', () => {
    for (const prompt of [FLAGSHIP, 'a yellow star in the top left on a green background', 'red circle']) {
      const report = preparePrompt(prompt, { multiLingual: true }, {})!;
      expect(report.used).toBe(prompt);
      expect(report.translated).toBe(false);
      expect(report.note).toMatch(/not translated/);
    }
    expect(detectLanguage(FLAGSHIP)).toBe('en');
  });

  it('translates the negative prompt with the prompt\'s language', () => {
    const report = preparePrompt('un cercle rouge sur fond bleu', { multiLingual: true, negativePrompt: 'vert' }, {})!;
    expect(report.translatedNegativePrompt).toBe('green');
    expect(preparePrompt(FLAGSHIP, { multiLingual: true, negativePrompt: 'vert' }, {})!.translatedNegativePrompt).toBeUndefined();
  });

  it('records its phase time; nothing asked → no report', () => {
    const phases: Record<string, number> = {};
    preparePrompt('un cercle rouge', { multiLingual: true }, phases);
    expect(phases.multi_lingual).toBeGreaterThanOrEqual(0);
    expect(preparePrompt(FLAGSHIP, {}, phases)).toBeUndefined();
  });
});

describe('enhance_prompt', () => {
  it('normalises into the captions\' phrasing, deterministically', () => {
    expect(enhancePrompt('Red  circle on blue')).toBe(FLAGSHIP);
    expect(enhancePrompt('a big yellow star in the center on a green background')).toBe('a large yellow star in the centre on a green background');
    expect(enhancePrompt('tiny blue ring in the upper left on black')).toBe('a small blue ring in the top left on a black background');
    expect(enhancePrompt(FLAGSHIP)).toBe(FLAGSHIP);
    const input = 'Huge PINK cross, lower right, on white';
    expect(enhancePrompt(input)).toBe(enhancePrompt(input));
    expect(enhancePrompt(input)).toBe('a large pink cross, bottom right, on a white background');
  });

  it('runs after translation and is reported', () => {
    const report = preparePrompt('un cercle rouge sur bleu', { multiLingual: true, enhancePrompt: true }, {})!;
    expect(report.translatedPrompt).toBe('a red circle on blue');
    expect(report.enhancedPrompt).toBe(FLAGSHIP);
    expect(report.used).toBe(FLAGSHIP);
  });
});
