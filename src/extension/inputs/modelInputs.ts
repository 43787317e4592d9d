/**
 * The settings a job runs one model with: readSettings() plus the dims and input shapes that apply to this
 * model (resolveModelInputs.ts: workspace-wide settings, the `onnxTuner.modelInputs` glob map, the shapes
 * saved for the file), fitted to its declared inputs. A configured shape that does not fit is left out for
 * this model and the user is told once, in one line naming the setting and the model — instead of the job
 * failing with "the model has no input 'x'". Also the Set Input Shapes form, which saves shapes per file in
 * the workspace state.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  fitInputShapes,
  formatShape,
  ignoredShapeNotice,
  type InputSignature,
} from '../../engine/graph/fitInputShapes';
import type { JobRunner } from '../jobs/jobRunner';
import { log } from '../log';
import { readInputSettings, readSettings, type TunerSettings } from '../settings';
import { parseShapeText, resolveModelInputs, type ModelInputEntry } from './resolveModelInputs';

export interface ModelSettings extends TunerSettings {
  /** For each input shape in `runtime.inputShapes`, the setting it came from. */
  readonly shapeSources: Readonly<Record<string, string>>;
  /** One line per configured shape left out for this model. */
  readonly notices: readonly string[];
  /** The model's declared inputs; empty when the file could not be read (the job then reports why). */
  readonly inputs: readonly InputSignature[];
}

const SAVED_KEY = 'onnxTuner.savedInputShapes';

class ModelInputs {
  private readonly signatures = new Map<string, { stamp: string; inputs: Promise<InputSignature[]> }>();
  private readonly told = new Set<string>();

  constructor(
    private readonly state: vscode.Memento,
    private readonly jobs: JobRunner,
  ) {}

  private inputsOf(uri: vscode.Uri): Promise<InputSignature[]> {
    let stamp: string;
    try {
      const st = fs.statSync(uri.fsPath);
      stamp = `${st.mtimeMs}:${st.size}`;
    } catch {
      return Promise.resolve([]);
    }
    const hit = this.signatures.get(uri.toString());
    if (hit?.stamp === stamp) return hit.inputs;
    const inputs = this.jobs.run('inputs', { file: uri.fsPath }).catch((e: unknown) => {
      log().warn(`reading the inputs of ${uri.fsPath}: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    });
    this.signatures.set(uri.toString(), { stamp, inputs });
    return inputs;
  }

  saved(uri: vscode.Uri): ModelInputEntry | undefined {
    return this.state.get<Record<string, ModelInputEntry>>(SAVED_KEY, {})[uri.toString()];
  }

  async save(uri: vscode.Uri, entry: ModelInputEntry | undefined): Promise<void> {
    const all = { ...this.state.get<Record<string, ModelInputEntry>>(SAVED_KEY, {}) };
    if (entry) all[uri.toString()] = entry;
    else delete all[uri.toString()];
    await this.state.update(SAVED_KEY, all);
  }

  /** `notify`: tell the user about ignored entries (jobs that run the model); opening the graph stays quiet. */
  async settingsFor(uri: vscode.Uri, notify = true): Promise<ModelSettings> {
    const base = readSettings(uri);
    const inputs = await this.inputsOf(uri);
    const saved = this.saved(uri);
    const r = resolveModelInputs(vscode.workspace.asRelativePath(uri, false), inputs, {
      ...readInputSettings(uri),
      ...(saved ? { saved } : {}),
    });
    // Without the inputs (unreadable file) nothing can be fitted: pass the settings on as they are.
    const fitted = inputs.length ? r : { ...r, inputShapes: base.runtime.inputShapes, ignored: [] };
    const name = path.basename(uri.fsPath);
    const notices = fitted.ignored.map((i) => ignoredShapeNotice(name, i));
    for (const n of notify ? notices : []) {
      log().info(n);
      const key = `${uri.toString()}\n${n}`;
      if (this.told.has(key)) continue;
      this.told.add(key);
      void vscode.window.showInformationMessage(n);
    }
    return {
      ...base,
      runtime: { ...base.runtime, dims: r.dims, inputShapes: { ...fitted.inputShapes } },
      shapeSources: r.shapeSources,
      notices,
      inputs,
    };
  }

  /**
   * The Set Input Shapes form: one input box per input with an open dim, pre-filled with the shape the last
   * profile used (or the one configured), checked against the declared shape as it is typed. An empty box
   * removes the saved shape (the settings or the defaults apply again).
   */
  async edit(uri: vscode.Uri, lastProfiled: Readonly<Record<string, readonly number[]>> = {}): Promise<boolean> {
    const name = path.basename(uri.fsPath);
    const current = await this.settingsFor(uri, false);
    const open = current.inputs.filter((s) => s.shape.some((d) => typeof d !== 'number'));
    if (open.length === 0) {
      void vscode.window.showInformationMessage(`${name} has fixed input shapes: there is nothing to choose.`);
      return false;
    }
    const shapes: Record<string, number[]> = {};
    for (const [k, sig] of open.entries()) {
      const prefill = current.runtime.inputShapes[sig.name] ?? lastProfiled[sig.name];
      const text = await vscode.window.showInputBox({
        title: `Input shape of '${sig.name}' for ${name}${open.length > 1 ? ` (${k + 1} of ${open.length})` : ''}`,
        prompt: `Declared ${formatShape(sig.shape)}. Dims separated by x, e.g. ${formatShape(
          sig.shape.map((d) => (typeof d === 'number' ? d : 1)),
        ).replace(/×/g, 'x')}. Empty: use the settings and defaults.`,
        value: prefill ? prefill.join('x') : '',
        ignoreFocusOut: true,
        validateInput: (v) => {
          if (!v.trim()) return undefined;
          const dims = parseShapeText(v);
          if (!dims) return 'Positive whole numbers separated by x, e.g. 1x3x640x640';
          const fit = fitInputShapes([sig], [{ input: sig.name, shape: dims, source: 'this shape' }]);
          return fit.ignored[0]?.reason;
        },
      });
      if (text === undefined) return false; // Escape: nothing saved
      const dims = parseShapeText(text);
      if (dims) shapes[sig.name] = dims;
    }
    const saved = this.saved(uri);
    const entry: ModelInputEntry = { ...(saved?.dims ? { dims: saved.dims } : {}), inputShapes: shapes };
    await this.save(uri, Object.keys(shapes).length || saved?.dims ? entry : undefined);
    const summary = Object.entries(shapes)
      .map(([n, d]) => `${n} ${formatShape(d)}`)
      .join(', ');
    log().info(`input shapes for ${uri.fsPath}: ${summary || 'cleared'}`);
    void vscode.window.showInformationMessage(
      summary
        ? `${name} will be profiled and optimized with ${summary}.`
        : `${name}: saved shapes removed; the settings and defaults apply.`,
    );
    return true;
  }
}

let instance: ModelInputs | undefined;

/** Created by activate(); the shapes are saved in the workspace state (per workspace, per file). */
export function initModelInputs(context: vscode.ExtensionContext, jobs: JobRunner): vscode.Disposable {
  instance = new ModelInputs(context.workspaceState, jobs);
  return { dispose: () => (instance = undefined) };
}

function inputsService(): ModelInputs {
  if (!instance) throw new Error('model input settings are used before activation');
  return instance;
}

/** readSettings(uri) with the dims and input shapes that apply to this model, fitted to its inputs. */
export function modelSettings(uri: vscode.Uri, options: { readonly quiet?: boolean } = {}): Promise<ModelSettings> {
  return inputsService().settingsFor(uri, !options.quiet);
}

/** Opens the Set Input Shapes form for `uri`; true when something was saved or cleared. */
export function editInputShapes(
  uri: vscode.Uri,
  lastProfiled?: Readonly<Record<string, readonly number[]>>,
): Promise<boolean> {
  return inputsService().edit(uri, lastProfiled);
}
