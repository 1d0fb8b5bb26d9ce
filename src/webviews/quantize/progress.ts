import type { QuantizeEvent } from '../../runtime/quantize/types';

const STAGES = new Set(['prepare', 'calibrate', 'quantize', 'evaluate', 'sensitivity', 'drift', 'write']);

function isQuantizeEvent(value: unknown): value is QuantizeEvent {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as Record<string, unknown>;
  if (typeof event.message !== 'string') return false;
  if (event.type === 'stage') return STAGES.has(event.stage as string);
  return event.type === 'progress' && typeof event.done === 'number' && typeof event.total === 'number';
}

/**
 * The quantize worker sends each QuantizeEvent as JSON in a progress message: this gives the words to show and, for
 * counted steps (calibration or evaluation images), how far the step is in percent.
 */
export function describeQuantizeProgress(raw: string): { message: string; percent: number | null } {
  let event: unknown;
  try {
    event = JSON.parse(raw);
  } catch {
    return { message: raw, percent: null };
  }
  if (!isQuantizeEvent(event)) return { message: raw, percent: null };
  if (event.type === 'stage') return { message: `${event.stage[0].toUpperCase()}${event.stage.slice(1)}: ${event.message}`, percent: null };
  const percent = event.total > 0 ? Math.min(100, (100 * event.done) / event.total) : null;
  return { message: event.message, percent };
}
