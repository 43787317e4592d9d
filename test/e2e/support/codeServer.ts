/**
 * Starts a real VS Code (code-server 4.100.3 = VS Code 1.100.3, installed by scripts/setup-e2e.sh) for the
 * integration and e2e tests: an isolated HOME/XDG/TMPDIR under the run folder, a free loopback port, no
 * auth, quiet workbench settings, and its own process group so stopping it also stops the extension hosts and
 * file watchers it spawned (killing only its pid leaves them running).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';

export function e2eCacheDir(): string {
  return process.env.ONNX_TUNER_E2E_CACHE ?? path.join(os.homedir(), '.cache', 'onnx-tuner-e2e');
}

export function codeServerBin(): string {
  const bin = path.join(e2eCacheDir(), 'code-server', 'node_modules', '.bin', 'code-server');
  if (!fs.existsSync(bin)) throw new Error(`code-server not found at ${bin}: run 'bash scripts/setup-e2e.sh' first`);
  return bin;
}

/** Settings that keep the workbench quiet and deterministic (no welcome page, walkthroughs, chat, updates). */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.enabled': false,
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  'notifications.showExtensionsNotifications': false,
};

export interface RunFolders {
  readonly root: string;
  readonly home: string;
  readonly tmp: string;
  readonly userData: string;
  readonly extensions: string;
  readonly shots: string;
}

/** A fresh run folder with the isolated profile laid out; `root` is removed first. */
export function makeRunFolders(root: string, extraSettings: Record<string, unknown> = {}): RunFolders {
  fs.rmSync(root, { recursive: true, force: true });
  const f: RunFolders = {
    root,
    home: path.join(root, 'home'),
    tmp: path.join(root, 'tmp'),
    userData: path.join(root, 'user-data'),
    extensions: path.join(root, 'extensions'),
    shots: path.join(root, 'screenshots'),
  };
  for (const d of [f.home, f.tmp, path.join(f.userData, 'User'), f.extensions, f.shots])
    fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(
    path.join(f.userData, 'User', 'settings.json'),
    JSON.stringify({ ...QUIET_SETTINGS, ...extraSettings }, null, 2),
  );
  return f;
}

/** The environment code-server runs in: everything it writes stays under the run folder. */
export function isolatedEnv(f: RunFolders): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOME: f.home,
    XDG_CONFIG_HOME: path.join(f.home, '.config'),
    XDG_DATA_HOME: path.join(f.home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(f.home, '.cache'),
    TMPDIR: f.tmp,
  };
}

function baseArgs(f: RunFolders): string[] {
  return [
    '--config',
    path.join(f.root, 'code-server.yaml'),
    '--user-data-dir',
    f.userData,
    '--extensions-dir',
    f.extensions,
  ];
}

export function installExtension(f: RunFolders, vsix: string): void {
  const r = spawnSync(codeServerBin(), [...baseArgs(f), '--install-extension', vsix, '--force'], {
    env: isolatedEnv(f),
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`installing ${vsix} failed:\n${r.stdout}\n${r.stderr}`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface CodeServer {
  readonly url: string;
  readonly log: string;
  stop(): Promise<void>;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** `workspaceTrust`: keep VS Code's workspace trust on (for the Restricted Mode specs); off by default. */
export async function startCodeServer(f: RunFolders, opts: { workspaceTrust?: boolean } = {}): Promise<CodeServer> {
  const port = await freePort();
  const log = path.join(f.root, 'code-server.log');
  const out = fs.openSync(log, 'w');
  const child = spawn(
    codeServerBin(),
    [
      ...baseArgs(f),
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--ignore-last-opened',
    ],
    // detached: a new session and process group (setsid), so the whole tree can be signalled at once.
    { detached: true, stdio: ['ignore', out, out], env: isolatedEnv(f) },
  );
  fs.closeSync(out);
  const onExit = (): void => killGroup(child, 'SIGKILL');
  process.on('exit', onExit);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}); log: ${log}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      throw new Error(`code-server did not answer within 60 s; log: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    log,
    stop: async () => {
      process.off('exit', onExit);
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
      // Extension hosts may outlive their parent by a moment: make sure the group is gone.
      killGroup(child, 'SIGKILL');
    },
  };
}
