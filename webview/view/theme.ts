/** Canvas colours from VS Code's theme CSS variables, so light, dark and high-contrast themes all work. */
import type { Theme } from './canvasRenderer';

export function readTheme(): Theme {
  const css = getComputedStyle(document.body);
  const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
  return {
    background: v('--vscode-editor-background', '#1e1e1e'),
    foreground: v('--vscode-editor-foreground', '#d4d4d4'),
    nodeFill: v('--vscode-editorWidget-background', '#252526'),
    groupFill: v('--vscode-sideBar-background', '#2d2d30'),
    border: v('--vscode-editorWidget-border', '#454545'),
    focus: v('--vscode-focusBorder', '#007fd4'),
    edge: v('--vscode-editorLineNumber-foreground', '#858585'),
    badge: v('--vscode-notificationsInfoIcon-foreground', '#3794ff'),
    font: `12px ${v('--vscode-font-family', 'sans-serif')}`,
  };
}
