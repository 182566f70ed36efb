import { isIP } from 'node:net';
import { blockedRange, isAllowedHost } from '@easel/safe-fetch';

/**
 * The images that name a private address outright (an IP literal in a non-public range, or
 * localhost): refused before anything is queued or charged. A host name that only resolves to
 * such an address is stopped when the worker fetches it (safe-fetch), which fails the training.
 */
export function privateImageUrls(images: readonly string[], allowHosts: readonly string[]): number[] {
  const refused: number[] = [];
  images.forEach((image, i) => {
    if (!/^https?:\/\//i.test(image)) return;
    let host: string;
    try {
      host = new URL(image).hostname.replace(/^\[|\]$/g, '');
    } catch {
      return;
    }
    if (isAllowedHost(host, { allowHosts })) return;
    const literal = isIP(host) !== 0;
    if (host.toLowerCase() === 'localhost' || host.toLowerCase().endsWith('.localhost') || (literal && blockedRange(host) !== null)) refused.push(i + 1);
  });
  return refused;
}
