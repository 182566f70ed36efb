/** An answer of the API, as far as the page reads it. */
export interface Answer {
  status?: string;
  id?: number;
  message?: unknown;
  output?: string[];
}

/** The API's own words: a string message, or each field's messages of a validation error. */
export function errorText(answer: Answer): string {
  if (typeof answer.message === 'string') return answer.message;
  if (answer.message && typeof answer.message === 'object')
    return Object.values(answer.message as Record<string, string[]>)
      .flat()
      .join(' ');
  return `The request ended ${answer.status ?? 'without a status'}.`;
}

/** The fields a validation error names (`{"message":{"prompt":[...]}}`), to mark them invalid. */
export function fieldsInError(answer: Answer): string[] {
  return answer.message && typeof answer.message === 'object' ? Object.keys(answer.message) : [];
}
