const IMAGE = /\.(png|jpe?g|webp|gif)$/i;
const VIDEO = /\.(mp4|webm)$/i;
const AUDIO = /\.(wav|mp3|ogg|flac)$/i;

/** What the page shows for one output: an image, a player, or a link for other files (meshes...). */
export function outputElement(output: string, label: string): HTMLElement {
  // `base64: yes` answers carry the bytes themselves; the image families write PNG unless told otherwise.
  const isLink = /^(https?:|data:)/.test(output);
  const src = isLink ? output : `data:image/png;base64,${output}`;
  const path = isLink && !output.startsWith('data:') ? new URL(output).pathname : '';
  if (VIDEO.test(path) || AUDIO.test(path)) {
    const player = document.createElement(VIDEO.test(path) ? 'video' : 'audio');
    player.src = src;
    player.controls = true;
    player.setAttribute('aria-label', label);
    return player;
  }
  if (!path || IMAGE.test(path)) {
    const img = new Image();
    img.src = src;
    img.alt = label;
    return img;
  }
  const link = document.createElement('a');
  link.href = src;
  link.textContent = `${label} (${path.split('/').pop()})`;
  return link;
}
