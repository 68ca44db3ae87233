import { h } from '../dom.ts';

const IMAGE_DATA_URL = /^data:image\/(png|jpe?g|gif|webp|svg\+xml)(;base64)?,/i;

/**
 * Renders an evaluator's artifacts: image data URLs and SVG text become images (an <img> never
 * runs scripts inside an SVG), anything else is shown as text.
 */
export function artifactsView(artifacts: Record<string, unknown>): HTMLElement {
  return h(
    'div',
    { class: 'artifacts' },
    ...Object.entries(artifacts).map(([name, value]) => {
      const image = imageSource(value);
      return h(
        'figure',
        { class: `artifact${image ? ' artifact-image' : ''}` },
        h('figcaption', { class: 'mono' }, name),
        image
          ? h('img', { src: image, alt: name, loading: 'lazy' })
          : h('pre', { class: 'prose' }, typeof value === 'string' ? value : JSON.stringify(value, null, 2)),
      );
    }),
  );
}

function imageSource(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (IMAGE_DATA_URL.test(text)) return text;
  if (/^(<\?xml[^>]*>\s*)?<svg[\s>]/i.test(text)) return URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  return null;
}
