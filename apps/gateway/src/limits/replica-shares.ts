/**
 * Hits a replica may count in its own memory, taken from a shared counter in one go: the
 * shared window's end, and how many of the share are left. Exactness: the shared counter holds
 * every share handed out, so all replicas together never count past the limit; a share a
 * replica does not use before the window ends is lost for that window, so a busy key may be
 * refused up to (replicas × share) hits early. The share is a small part of the limit and 1 —
 * every hit counted in the shared row, exact — for limits under SHARE_PARTS × 2.
 */
export interface ReplicaShare {
  windowEndsAt: number;
  left: number;
  /** The shared row's hits when the share was taken (this share included). */
  taken: number;
  /** The shared row had no room for a whole share: count each hit there until the window ends. */
  perHit?: boolean;
}

/** A share is this part of the limit. */
export const SHARE_PARTS = 64;

export function shareOf(limit: number): number {
  return Math.max(1, Math.floor(limit / SHARE_PARTS));
}

/** Takes one hit from the share if it is still current and not used up. */
export function takeFromShare(share: ReplicaShare | undefined, now: number): boolean {
  if (!share || share.windowEndsAt <= now || share.left <= 0 || share.perHit) return false;
  share.left--;
  return true;
}

/** True while the window in which a share was refused lasts. */
export function countsPerHit(share: ReplicaShare | undefined, now: number): boolean {
  return Boolean(share?.perHit && share.windowEndsAt > now);
}
