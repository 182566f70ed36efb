const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The request exactly as the page sent it, as a shell command. */
export function asCurl(url: string, body: Record<string, unknown>): string {
  return `curl -X POST ${quote(url)} -H 'Content-Type: application/json' -d ${quote(JSON.stringify(body))}`;
}
