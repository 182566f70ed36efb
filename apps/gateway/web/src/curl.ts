const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The request exactly as the page sent it (`body`: the JSON text itself), as a shell command. */
export function asCurl(url: string, body: string): string {
  return `curl -X POST ${quote(url)} -H 'Content-Type: application/json' -d ${quote(body)}`;
}
