import { describe, expect, it } from 'vitest';
import { defaultPlots } from './index.ts';
import { PlotRegistry, type Plot } from './plot.ts';
import { niceScale, svgToPng } from './render.ts';
import { svgDocument, text } from './svg.ts';
import { formatNumber, scoreColor } from './theme.ts';

const plot = (name: string): Plot => ({ name, description: name, render: () => ({ skipped: 'test' }) });

describe('PlotRegistry', () => {
  it('keeps plots in registration order and refuses duplicates and bad names', () => {
    const registry = new PlotRegistry().register(plot('a')).register(plot('b-2'));
    expect(registry.list().map((entry) => entry.name)).toEqual(['a', 'b-2']);
    expect(registry.get('b-2')?.name).toBe('b-2');
    expect(() => registry.register(plot('a'))).toThrow(/already registered/);
    expect(() => registry.register(plot('Bad Name'))).toThrow(/kebab-case/);
  });

  it('registers the score, lineage and grid plots by default', () => {
    expect(defaultPlots.list().map((entry) => entry.name)).toEqual(['score', 'lineage', 'grid']);
  });
});

describe('rendering', () => {
  it('rasterises text with an installed font, at twice the SVG size', () => {
    const png = svgToPng(svgDocument(120, 40, [text(10, 28, 'Score <&>', { 'font-size': 20 })]));
    expect(png.readUInt32BE(16)).toBe(240);
    expect(png.readUInt32BE(20)).toBe(80);
    // resvg draws no text without a font: then the image is as plain as an empty one.
    const blank = svgToPng(svgDocument(120, 40, []));
    expect(png.length).toBeGreaterThan(blank.length + 200);
  });

  it('puts axis bounds on round numbers', () => {
    expect(niceScale(0, 60)).toEqual({ min: 0, max: 60, interval: 20 });
    expect(niceScale(-14.3, 0)).toEqual({ min: -15, max: 0, interval: 5 });
    expect(niceScale(-7.2, -2.1)).toEqual({ min: -8, max: -2, interval: 2 });
    expect(niceScale(0.1, 0.3)).toEqual({ min: 0.1, max: 0.3, interval: 0.05 });
    expect(niceScale(2, 2).max).toBeGreaterThan(2);
  });

  it('formats scores and colours', () => {
    expect(formatNumber(-7.19612)).toBe('-7.196');
    expect(formatNumber(100000)).toBe('100000');
    expect(formatNumber(-2.16e-15)).toBe('-2.16e-15');
    expect(scoreColor(0, 0, 1)).toBe('#440154');
    expect(scoreColor(1, 0, 1)).toBe('#fde725');
    expect(scoreColor(5, 5, 5)).toMatch(/^#[0-9a-f]{6}$/);
  });
});
