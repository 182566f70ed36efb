import { parseFetchId } from './fetch-id';

describe('parseFetchId', () => {
  it.each<[string | undefined, Record<string, unknown>, number]>([
    ['123', {}, 123],
    [' 123 ', {}, 123],
    ['13443927', { key: 'k' }, 13443927],
    [undefined, { request_id: 13443927 }, 13443927],
    [undefined, { request_id: '13443927' }, 13443927],
    ['', { request_id: '7' }, 7],
    ['5', { request_id: 9 }, 5], // the path wins
    [undefined, { request_id: '9007199254740991' }, Number.MAX_SAFE_INTEGER],
  ])('path %p, body %p → %p', (pathId, body, id) => {
    expect(parseFetchId(pathId, body)).toEqual({ ok: true, value: id });
  });

  it.each<[string | undefined, Record<string, unknown>, Record<string, string[]>]>([
    [undefined, {}, { request_id: ['The request id field is required.'] }],
    [undefined, { request_id: null }, { request_id: ['The request id field is required.'] }],
    [undefined, { request_id: '' }, { request_id: ['The request id field is required.'] }],
    ['  ', {}, { request_id: ['The request id field is required.'] }],
    ['abc', {}, { id: ['The id field must be an integer.'] }],
    ['12.5', {}, { id: ['The id field must be an integer.'] }],
    ['0', {}, { id: ['The id must be at least 1.'] }],
    ['-3', {}, { id: ['The id must be at least 1.'] }],
    ['1e300', {}, { id: ['The id must not be greater than 9007199254740991.'] }],
    [undefined, { request_id: 'abc' }, { request_id: ['The request id field must be an integer.'] }],
    [undefined, { request_id: true }, { request_id: ['The request id field must be an integer.'] }],
    [undefined, { request_id: [1] }, { request_id: ['The request id field must be an integer.'] }],
    [undefined, { request_id: { id: 1 } }, { request_id: ['The request id field must be an integer.'] }],
    [undefined, { request_id: 0 }, { request_id: ['The request id must be at least 1.'] }],
    [undefined, { request_id: Infinity }, { request_id: ['The request id field must be an integer.'] }],
  ])('path %p, body %p → errors', (pathId, body, errors) => {
    expect(parseFetchId(pathId, body)).toEqual({ ok: false, errors });
  });

  it('survives a body that is not an object', () => {
    expect(parseFetchId(undefined, null as unknown as Record<string, unknown>)).toEqual({
      ok: false,
      errors: { request_id: ['The request id field is required.'] },
    });
  });
});
