import { parseHostMessage, type PageMessage } from '../protocol';

interface VsCodeApi {
  postMessage(message: PageMessage): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
app.classList.add('concept');

window.addEventListener('message', (event: MessageEvent) => {
  const message = parseHostMessage(event.data);
  if (!message) return;
  document.title = message.title;
  // The host renders the entry with markdown-it, raw HTML disabled; the page only displays it.
  app.innerHTML = message.html;
  window.scrollTo(0, 0);
});

app.addEventListener('click', (event) => {
  const link = (event.target as Element | null)?.closest('a[data-entry]');
  if (!link) return;
  event.preventDefault();
  vscode.postMessage({ type: 'openEntry', id: link.getAttribute('data-entry') ?? '' });
});

vscode.postMessage({ type: 'ready' });
