import { FONT_FAMILY, MUTED, SCORE_COLORS, TEXT, formatNumber } from './theme.ts';

type Attributes = Record<string, string | number | undefined>;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** One element; numbers are rounded to two decimals to keep big figures small. */
export function element(name: string, attributes: Attributes, content?: string): string {
  const attributeText = Object.entries(attributes)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ` ${key}="${typeof value === 'number' ? round(value) : escapeXml(value as string)}"`)
    .join('');
  return content === undefined ? `<${name}${attributeText}/>` : `<${name}${attributeText}>${content}</${name}>`;
}

export function text(x: number, y: number, content: string, attributes: Attributes = {}): string {
  return element('text', { x, y, fill: TEXT, 'font-size': 12, ...attributes }, escapeXml(content));
}

/** A standalone SVG document on a white background, in the figures' font. */
export function svgDocument(width: number, height: number, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${round(width)}" height="${round(height)}" viewBox="0 0 ` +
      `${round(width)} ${round(height)}" font-family="${FONT_FAMILY}">`,
    element('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }),
    ...body,
    '</svg>',
  ].join('\n');
}

/** Title and subtitle at the top left, in the same place and sizes as the ECharts figures. */
export function titleBlock(title: string, subtitle: string): string[] {
  return [text(16, 32, title, { 'font-size': 17, 'font-weight': 'bold' }), text(16, 54, subtitle, { 'font-size': 12, fill: MUTED })];
}

/** A horizontal viridis colour bar with its range and a caption, `width` wide from (x, y). */
export function colorBar(x: number, y: number, width: number, min: number, max: number, caption: string): string[] {
  const stops = SCORE_COLORS.map((color, index) => element('stop', { offset: index / (SCORE_COLORS.length - 1), 'stop-color': color }));
  return [
    element('defs', {}, element('linearGradient', { id: 'score-gradient', x1: 0, y1: 0, x2: 1, y2: 0 }, stops.join(''))),
    element('rect', { x, y, width, height: 10, fill: 'url(#score-gradient)', stroke: MUTED, 'stroke-width': 0.5 }),
    text(x, y + 24, formatNumber(min), { 'font-size': 11, fill: MUTED }),
    text(x + width, y + 24, formatNumber(max), { 'font-size': 11, fill: MUTED, 'text-anchor': 'end' }),
    text(x + width / 2, y + 24, caption, { 'font-size': 11, fill: MUTED, 'text-anchor': 'middle' }),
  ];
}

/** Black or white, whichever reads better on `background` (a `#rrggbb` colour). */
export function textColorOn(background: string): string {
  const [red, green, blue] = [1, 3, 5].map((start) => Number.parseInt(background.slice(start, start + 2), 16) / 255) as [
    number,
    number,
    number,
  ];
  return 0.299 * red + 0.587 * green + 0.114 * blue > 0.55 ? TEXT : '#ffffff';
}

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}
