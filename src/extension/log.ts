/** The "ONNX Tuner" output channel: one place every command logs to, with timestamps (LogOutputChannel). */
import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

export function createLog(): vscode.LogOutputChannel {
  channel = vscode.window.createOutputChannel('ONNX Tuner', { log: true });
  return channel;
}

export function log(): vscode.LogOutputChannel {
  if (!channel) throw new Error('the ONNX Tuner log is used before activation');
  return channel;
}
