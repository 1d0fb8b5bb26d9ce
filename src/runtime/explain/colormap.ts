/** Colormaps for heatmaps: value in [0, 1] → RGB 0-255. */
export type ColormapName = 'jet' | 'inferno' | 'gray';

function jet(value: number): [number, number, number] {
  const channel = (offset: number) => Math.max(0, Math.min(1, 1.5 - Math.abs(4 * value - offset)));
  return [channel(3), channel(2), channel(1)].map((c) => Math.round(c * 255)) as [number, number, number];
}

// Inferno sampled at 9 points (matplotlib), linearly interpolated.
const INFERNO: [number, number, number][] = [
  [0, 0, 4], [31, 12, 72], [85, 15, 109], [136, 34, 106], [186, 54, 85], [227, 89, 51], [249, 140, 10], [249, 201, 50], [252, 255, 164],
];

function inferno(value: number): [number, number, number] {
  const position = Math.max(0, Math.min(1, value)) * (INFERNO.length - 1);
  const low = Math.floor(position);
  const high = Math.min(low + 1, INFERNO.length - 1);
  const t = position - low;
  return INFERNO[low].map((c, i) => Math.round(c + (INFERNO[high][i] - c) * t)) as [number, number, number];
}

export function colormap(name: ColormapName): (value: number) => [number, number, number] {
  switch (name) {
    case 'jet': return jet;
    case 'inferno': return inferno;
    case 'gray': return (value) => { const v = Math.round(Math.max(0, Math.min(1, value)) * 255); return [v, v, v]; };
  }
}
