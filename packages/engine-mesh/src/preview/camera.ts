/** The camera of the training views (models/training/mesh/world.py `camera_rays`): looking at the origin. */
export interface Camera {
  azimuthDeg: number;
  elevationDeg: number;
  distance: number;
  fovDeg: number;
}

export const PREVIEW_CAMERA: Camera = { azimuthDeg: 25, elevationDeg: 22, distance: 3.2, fovDeg: 38 };

export interface CameraBasis {
  eye: [number, number, number];
  forward: [number, number, number];
  right: [number, number, number];
  up: [number, number, number];
  /** tan(fov / 2) */
  focal: number;
}

export function cameraBasis(c: Camera): CameraBasis {
  const az = (c.azimuthDeg * Math.PI) / 180;
  const el = (c.elevationDeg * Math.PI) / 180;
  const eye: [number, number, number] = [c.distance * Math.cos(el) * Math.sin(az), c.distance * Math.sin(el), c.distance * Math.cos(el) * Math.cos(az)];
  const len = Math.hypot(...eye);
  const forward: [number, number, number] = [-eye[0] / len, -eye[1] / len, -eye[2] / len];
  // right = forward x (0, 1, 0)
  let right: [number, number, number] = [-forward[2], 0, forward[0]];
  const rl = Math.hypot(...right);
  right = [right[0] / rl, right[1] / rl, right[2] / rl];
  const up: [number, number, number] = [
    right[1] * forward[2] - right[2] * forward[1],
    right[2] * forward[0] - right[0] * forward[2],
    right[0] * forward[1] - right[1] * forward[0],
  ];
  return { eye, forward, right, up, focal: Math.tan(((c.fovDeg / 2) * Math.PI) / 180) };
}
