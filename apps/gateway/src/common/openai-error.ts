/**
 * Errors on the OpenAI-shaped chat routes (Easel's extras): the same refusal as everywhere, in
 * OpenAI's `{error: {message, type, param, code}}` so that its client libraries read it.
 */
const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'insufficient_quota',
  403: 'permission_error',
  404: 'not_found_error',
  409: 'conflict_error',
  413: 'invalid_request_error',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
};

/** A dialect error body → OpenAI's `{error: {message, type, param, code}}` (the field errors' first field is `param`). */
export function openAiError(httpStatus: number, body: Record<string, unknown>): Record<string, unknown> {
  const message = body.message;
  const fields = message && typeof message === 'object' ? (message as Record<string, string[]>) : null;
  const text = fields ? Object.values(fields).flat().join(' ') : String(message ?? 'error');
  return {
    error: {
      message: text,
      type: ERROR_TYPES[httpStatus] ?? 'server_error',
      param: fields ? (Object.keys(fields)[0] ?? null) : null,
      code: httpStatus === 401 ? 'invalid_api_key' : httpStatus === 402 ? 'insufficient_quota' : httpStatus === 429 ? 'rate_limit_exceeded' : null,
    },
  };
}

/** The routes that answer in OpenAI's shapes (errors included). */
export const isOpenAiRoute = (url: string) => /^\/(v1|api\/v6)\/(chat\/completions|completions|models)(\?|\/|$)/.test(url);
