import type { PromptReport } from '../pipeline/types';
import { DICTIONARIES } from './dictionaries';
import { detectLanguage } from './detect-language';
import { enhancePrompt } from './enhance-prompt';
import { translatePrompt } from './translate-prompt';

export interface PromptOptions {
  multiLingual?: boolean;
  enhancePrompt?: boolean;
  /** Translated with the prompt's language (a negative prompt alone is too short to detect); never enhanced. */
  negativePrompt?: string | null;
}

/**
 * multi_lingual then enhance_prompt, with a report of what was done. A prompt is translated only
 * when the detector names one of the dictionaries' languages and the dictionary knows at least
 * one of its words; English, undetected and other languages pass through unchanged (and the
 * report says so).
 */
export function preparePrompt(prompt: string, options: PromptOptions, phasesMs: Record<string, number>): PromptReport | undefined {
  if (!options.multiLingual && !options.enhancePrompt) return undefined;
  const report: PromptReport = { original: prompt, used: prompt };
  const notes: string[] = [];
  if (options.multiLingual) {
    const start = performance.now();
    const language = detectLanguage(prompt);
    report.detectedLanguage = language;
    const dict = language ? DICTIONARIES[language] : undefined;
    const translation = dict ? translatePrompt(prompt, dict.language) : undefined;
    if (dict && translation && translation.translatedCount > 0) {
      report.translated = true;
      report.translatedPrompt = translation.text;
      report.untranslatedWords = translation.unknown;
      report.used = translation.text;
      if (options.negativePrompt) {
        const negative = translatePrompt(options.negativePrompt, dict.language);
        if (negative.translatedCount > 0) report.translatedNegativePrompt = negative.text;
      }
      notes.push(`detected ${dict.name} (${dict.language}); translated to English with Easel's dictionary${translation.unknown.length ? `, ${translation.unknown.length} word(s) left as they were` : ''}`);
    } else {
      report.translated = false;
      notes.push(language === 'en' ? 'detected English; not translated' : `detected ${language ?? 'no language'}; not translated (dictionaries: ${Object.keys(DICTIONARIES).join(', ')})`);
    }
    phasesMs.multi_lingual = performance.now() - start;
  }
  if (options.enhancePrompt) {
    const start = performance.now();
    report.enhancedPrompt = enhancePrompt(report.used);
    report.used = report.enhancedPrompt;
    notes.push('enhanced deterministically (vocabulary normalised, article and background phrasing, style suffix)');
    phasesMs.enhance_prompt = performance.now() - start;
  }
  report.note = notes.join('; ');
  return report;
}
