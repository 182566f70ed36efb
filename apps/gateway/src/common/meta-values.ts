/** How `meta` writes values, the public service's way: flags as "yes"/"no". */
export const yesNo = (flag: boolean): 'yes' | 'no' => (flag ? 'yes' : 'no');

/** An http(s) link (a base64 image is not echoed back in `meta`). */
export const isUrl = (value: string | null): value is string => value !== null && /^https?:\/\//i.test(value);
