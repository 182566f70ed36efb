/**
 * Offline prompt dictionaries: the bundled model's vocabulary (models/training/dataset.py — 10
 * colours, 6 shapes, 9 positions, 2 sizes, "on a … background" phrasing, articles, "and", "with")
 * in French, Spanish, German, Italian and Portuguese. Keys are lower-case without accents (matched
 * accent-insensitively); values are English. Phrases (several words) win over single words.
 * No npm package ships an offline translation model that runs in-process without downloads, hence
 * this table (see the package README).
 */

/** English words that are adjectives (placed before their noun in English, after it in Romance languages). */
export const ENGLISH_ADJECTIVES = new Set(['red', 'green', 'blue', 'yellow', 'orange', 'purple', 'white', 'black', 'pink', 'cyan', 'small', 'large']);
/** English nouns an adjective may follow in the source. */
export const ENGLISH_NOUNS = new Set(['circle', 'square', 'triangle', 'star', 'ring', 'cross', 'background']);

export interface Dictionary {
  /** ISO 639-1 code, as the language detector reports it. */
  language: string;
  name: string;
  words: Record<string, string>;
  phrases: Record<string, string>;
}

/** German adjective endings on a stem: rot → rot, rote, roter, rotes, roten, rotem. */
function declined(stems: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [stem, en] of Object.entries(stems)) for (const end of ['', 'e', 'er', 'es', 'en', 'em']) out[stem + end] = en;
  return out;
}

/** Romance adjective forms: masculine/feminine, singular/plural. */
function forms(list: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [word, en] of Object.entries(list)) {
    out[word] = en;
    out[`${word}s`] = en;
  }
  return out;
}

export const DICTIONARIES: Record<string, Dictionary> = {
  fr: {
    language: 'fr',
    name: 'French',
    words: {
      ...forms({ rouge: 'red', vert: 'green', verte: 'green', bleu: 'blue', bleue: 'blue', jaune: 'yellow', orange: 'orange', violet: 'purple', violette: 'purple', blanc: 'white', blanche: 'white', noir: 'black', noire: 'black', rose: 'pink', cyan: 'cyan', petit: 'small', petite: 'small', grand: 'large', grande: 'large' }),
      gros: 'large', grosse: 'large', pourpre: 'purple',
      cercle: 'circle', rond: 'circle', carre: 'square', triangle: 'triangle', etoile: 'star', anneau: 'ring', croix: 'cross', fond: 'background',
      un: 'a', une: 'a', le: 'the', la: 'the', sur: 'on', avec: 'with', et: 'and', dans: 'in', contre: 'against', coin: 'corner',
    },
    phrases: {
      'en haut a gauche': 'in the top left', 'en haut a droite': 'in the top right', 'en bas a gauche': 'in the bottom left', 'en bas a droite': 'in the bottom right',
      'dans le coin superieur gauche': 'in the top left corner', 'dans le coin superieur droit': 'in the top right corner',
      'dans le coin inferieur gauche': 'in the bottom left corner', 'dans le coin inferieur droit': 'in the bottom right corner',
      'en haut': 'at the top', 'en bas': 'at the bottom', 'a gauche': 'on the left', 'a droite': 'on the right',
      'au centre': 'in the centre', 'au milieu': 'in the middle', 'sur un fond': 'on a background', 'sur fond': 'on a background',
    },
  },
  es: {
    language: 'es',
    name: 'Spanish',
    words: {
      ...forms({ rojo: 'red', roja: 'red', verde: 'green', amarillo: 'yellow', amarilla: 'yellow', naranja: 'orange', morado: 'purple', morada: 'purple', violeta: 'purple', purpura: 'purple', blanco: 'white', blanca: 'white', negro: 'black', negra: 'black', rosa: 'pink', rosado: 'pink', rosada: 'pink', cian: 'cyan', pequeno: 'small', pequena: 'small', grande: 'large' }),
      azul: 'blue', azules: 'blue',
      circulo: 'circle', cuadrado: 'square', triangulo: 'triangle', estrella: 'star', anillo: 'ring', cruz: 'cross', fondo: 'background',
      un: 'a', una: 'a', el: 'the', la: 'the', sobre: 'on', con: 'with', y: 'and', en: 'in', contra: 'against', esquina: 'corner',
    },
    phrases: {
      'arriba a la izquierda': 'in the top left', 'arriba a la derecha': 'in the top right', 'abajo a la izquierda': 'in the bottom left', 'abajo a la derecha': 'in the bottom right',
      'en la esquina superior izquierda': 'in the top left corner', 'en la esquina superior derecha': 'in the top right corner',
      'en la esquina inferior izquierda': 'in the bottom left corner', 'en la esquina inferior derecha': 'in the bottom right corner',
      'en la parte superior': 'at the top', 'en la parte inferior': 'at the bottom', arriba: 'at the top', abajo: 'at the bottom',
      'a la izquierda': 'on the left', 'a la derecha': 'on the right', 'en el centro': 'in the centre', 'en el medio': 'in the middle',
      'sobre fondo': 'on a background', 'de fondo': 'background',
    },
  },
  de: {
    language: 'de',
    name: 'German',
    words: {
      ...declined({ rot: 'red', grun: 'green', blau: 'blue', gelb: 'yellow', orang: 'orange', violett: 'purple', weiss: 'white', schwarz: 'black', klein: 'small', gross: 'large' }),
      orange: 'orange', lila: 'purple', rosa: 'pink', pink: 'pink', cyan: 'cyan', turkis: 'cyan',
      kreis: 'circle', quadrat: 'square', dreieck: 'triangle', stern: 'star', ring: 'ring', kreuz: 'cross', hintergrund: 'background', ecke: 'corner',
      ein: 'a', eine: 'a', einen: 'a', einem: 'a', einer: 'a', der: 'the', die: 'the', das: 'the', dem: 'the', den: 'the',
      auf: 'on', mit: 'with', und: 'and', in: 'in', vor: 'against',
    },
    phrases: {
      'oben links': 'in the top left', 'oben rechts': 'in the top right', 'unten links': 'in the bottom left', 'unten rechts': 'in the bottom right',
      'in der oberen linken ecke': 'in the top left corner', 'in der oberen rechten ecke': 'in the top right corner',
      'in der unteren linken ecke': 'in the bottom left corner', 'in der unteren rechten ecke': 'in the bottom right corner',
      oben: 'at the top', unten: 'at the bottom', links: 'on the left', rechts: 'on the right',
      'in der mitte': 'in the centre', 'im zentrum': 'in the centre',
    },
  },
  it: {
    language: 'it',
    name: 'Italian',
    words: {
      rosso: 'red', rossa: 'red', rossi: 'red', rosse: 'red', verde: 'green', verdi: 'green', blu: 'blue', azzurro: 'blue', azzurra: 'blue',
      giallo: 'yellow', gialla: 'yellow', arancione: 'orange', viola: 'purple', bianco: 'white', bianca: 'white', nero: 'black', nera: 'black',
      rosa: 'pink', ciano: 'cyan', piccolo: 'small', piccola: 'small', grande: 'large',
      cerchio: 'circle', quadrato: 'square', triangolo: 'triangle', stella: 'star', anello: 'ring', croce: 'cross', sfondo: 'background', angolo: 'corner',
      un: 'a', uno: 'a', una: 'a', il: 'the', lo: 'the', la: 'the', su: 'on', sopra: 'on', con: 'with', e: 'and', contro: 'against',
    },
    phrases: {
      'in alto a sinistra': 'in the top left', 'in alto a destra': 'in the top right', 'in basso a sinistra': 'in the bottom left', 'in basso a destra': 'in the bottom right',
      "nell'angolo in alto a sinistra": 'in the top left corner', "nell'angolo in alto a destra": 'in the top right corner',
      "nell'angolo in basso a sinistra": 'in the bottom left corner', "nell'angolo in basso a destra": 'in the bottom right corner',
      'in alto': 'at the top', 'in basso': 'at the bottom', 'a sinistra': 'on the left', 'a destra': 'on the right',
      'al centro': 'in the centre', 'nel mezzo': 'in the middle', 'su sfondo': 'on a background', 'su uno sfondo': 'on a background',
    },
  },
  pt: {
    language: 'pt',
    name: 'Portuguese',
    words: {
      ...forms({ vermelho: 'red', vermelha: 'red', verde: 'green', amarelo: 'yellow', amarela: 'yellow', laranja: 'orange', roxo: 'purple', roxa: 'purple', branco: 'white', branca: 'white', preto: 'black', preta: 'black', rosa: 'pink', ciano: 'cyan', pequeno: 'small', pequena: 'small', grande: 'large' }),
      azul: 'blue', azuis: 'blue', violeta: 'purple',
      circulo: 'circle', quadrado: 'square', triangulo: 'triangle', estrela: 'star', anel: 'ring', cruz: 'cross', fundo: 'background', canto: 'corner',
      um: 'a', uma: 'a', o: 'the', sobre: 'on', com: 'with', e: 'and', em: 'on', contra: 'against',
    },
    phrases: {
      'no canto superior esquerdo': 'in the top left corner', 'no canto superior direito': 'in the top right corner',
      'no canto inferior esquerdo': 'in the bottom left corner', 'no canto inferior direito': 'in the bottom right corner',
      'em cima a esquerda': 'in the top left', 'em cima a direita': 'in the top right', 'em baixo a esquerda': 'in the bottom left', 'em baixo a direita': 'in the bottom right',
      'no topo': 'at the top', 'em cima': 'at the top', 'em baixo': 'at the bottom', embaixo: 'at the bottom',
      'a esquerda': 'on the left', 'a direita': 'on the right', 'no centro': 'in the centre', 'no meio': 'in the middle',
      'sobre fundo': 'on a background', 'em fundo': 'on a background',
    },
  },
};

export const DICTIONARY_LANGUAGES = Object.keys(DICTIONARIES);
