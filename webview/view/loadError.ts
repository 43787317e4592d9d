/**
 * The page for a model that cannot be opened (truncated, not ONNX, unreadable): a centred message with what
 * to do next — reopen the file as text, or show the log with the full error — instead of a line in the status
 * bar under an empty canvas whose toolbar still looks live. The message is set as text, never markup.
 */
export function showLoadError(
  message: string,
  actions: { readonly openAsText: () => void; readonly showDetails: () => void },
): void {
  const panel = document.getElementById('load-error')!;
  document.getElementById('load-error-message')!.textContent = message;
  const first = panel.hidden;
  panel.hidden = false;
  document.body.classList.add('failed');
  // The toolbar's controls do nothing without a graph: disabled, not merely hidden from the mouse.
  for (const id of ['search', 'fit', 'heat-toggle', 'heat-metric'])
    document.getElementById(id)?.setAttribute('disabled', '');
  document.getElementById('status')!.textContent = 'not opened';
  if (!first) return; // a second failure only changes the message; the buttons are wired once
  document.getElementById('open-as-text')!.addEventListener('click', actions.openAsText);
  document.getElementById('show-details')!.addEventListener('click', actions.showDetails);
}
