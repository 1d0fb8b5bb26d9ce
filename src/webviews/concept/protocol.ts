// Messages between the concept panel's host controller and its page; both sides import this file.
import { isRecord } from '../shared/messages';

export const CONCEPT_PANEL_VIEW_TYPE = 'cnnStudio.concept';

/** The entry rendered on the host: `html` comes from markdown-it with raw HTML disabled. */
export type HostMessage = { type: 'entry'; id: string; title: string; html: string };

export type PageMessage = { type: 'ready' } | { type: 'openEntry'; id: string };

/** Every message from the page passes here: anything that is not exactly a known message is dropped. */
export function parsePageMessage(value: unknown): PageMessage | undefined {
  if (!isRecord(value)) return undefined;
  if (value.type === 'ready' && Object.keys(value).length === 1) return { type: 'ready' };
  if (value.type === 'openEntry' && typeof value.id === 'string' && /^[a-z0-9-]+$/.test(value.id) && Object.keys(value).length === 2) {
    return { type: 'openEntry', id: value.id };
  }
  return undefined;
}

export function parseHostMessage(value: unknown): HostMessage | undefined {
  if (!isRecord(value) || value.type !== 'entry') return undefined;
  if (typeof value.id !== 'string' || typeof value.title !== 'string' || typeof value.html !== 'string') return undefined;
  return { type: 'entry', id: value.id, title: value.title, html: value.html };
}
