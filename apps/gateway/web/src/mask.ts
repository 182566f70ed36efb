const BRUSH = 24;
const KEY_STEP = 8;

/**
 * The inpainting mask: white strokes on a transparent canvas over the init image (its CSS
 * background); exported as an opaque black/white PNG, as mask_image expects.
 */
export class MaskPainter {
  private readonly ctx: CanvasRenderingContext2D;
  private painted = false;
  private cursor = { x: 128, y: 128 };

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.ctx = canvas.getContext('2d')!;
    let drawing = false;
    canvas.addEventListener('pointerdown', (e) => {
      drawing = true;
      canvas.setPointerCapture(e.pointerId);
      this.dab(this.at(e));
    });
    canvas.addEventListener('pointermove', (e) => drawing && this.dab(this.at(e)));
    canvas.addEventListener('pointerup', () => (drawing = false));
    canvas.addEventListener('keydown', (e) => this.key(e));
  }

  /** Shows the init image under the strokes. */
  setBackground(url: string): void {
    this.canvas.style.backgroundImage = url ? `url("${url.replace(/"/g, '%22')}")` : '';
    this.canvas.style.backgroundSize = '100% 100%';
  }

  clear(): void {
    this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.painted = false;
  }

  /** The mask as a PNG data URI, or undefined when nothing is painted. */
  toDataUri(): string | undefined {
    if (!this.painted) return undefined;
    const out = document.createElement('canvas');
    out.width = this.canvas.width;
    out.height = this.canvas.height;
    const ctx = out.getContext('2d')!;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(this.canvas, 0, 0);
    return out.toDataURL('image/png');
  }

  private at(e: PointerEvent) {
    const box = this.canvas.getBoundingClientRect();
    return {
      x: ((e.clientX - box.left) / box.width) * this.canvas.width,
      y: ((e.clientY - box.top) / box.height) * this.canvas.height,
    };
  }

  private dab({ x, y }: { x: number; y: number }): void {
    this.ctx.fillStyle = '#fff';
    this.ctx.beginPath();
    this.ctx.arc(x, y, BRUSH / 2, 0, Math.PI * 2);
    this.ctx.fill();
    this.painted = true;
  }

  private key(e: KeyboardEvent): void {
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-KEY_STEP, 0],
      ArrowRight: [KEY_STEP, 0],
      ArrowUp: [0, -KEY_STEP],
      ArrowDown: [0, KEY_STEP],
    };
    const move = moves[e.key];
    if (move) {
      const clamp = (v: number, max: number) => Math.max(0, Math.min(max, v));
      this.cursor = {
        x: clamp(this.cursor.x + move[0], this.canvas.width),
        y: clamp(this.cursor.y + move[1], this.canvas.height),
      };
      if (e.shiftKey) this.dab(this.cursor);
    } else if (e.key === ' ') {
      this.dab(this.cursor);
    } else return;
    e.preventDefault();
  }
}
