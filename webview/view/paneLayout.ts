/**
 * Keeps the canvas usable when the editor is narrow (a report opened beside the graph): below NARROW_PX the
 * properties pane folds into a strip at the right edge, and the strip opens the pane over the canvas until it
 * is clicked again. The CSS (media/graph.css) reads the `narrow` and `pane-open` classes on <body>.
 */
export const NARROW_PX = 640;

export function attachPaneLayout(body: HTMLElement, strip: HTMLElement, onChange: () => void): void {
  const update = (): void => {
    const narrow = body.clientWidth < NARROW_PX;
    if (narrow === body.classList.contains('narrow')) return;
    body.classList.toggle('narrow', narrow);
    if (!narrow) body.classList.remove('pane-open');
    onChange();
  };
  strip.addEventListener('click', () => {
    const open = body.classList.toggle('pane-open');
    strip.title = open ? 'Hide properties' : 'Show properties';
  });
  new ResizeObserver(update).observe(body);
  update();
}
