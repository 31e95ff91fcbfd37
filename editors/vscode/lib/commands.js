// The commands the code lenses name (buildlang.build, buildlang.check,
// buildlang.graph) and those of the command palette. A lens passes one
// argument, {file, dir, target, ...} (see lsp/code_lens.go); from the
// palette, the build of the active editor is used and a target is picked
// from the server's workspace symbols.
'use strict';

const fs = require('fs');
const path = require('path');
const settings = require('./settings');
const tasks = require('./tasks');

// create returns the command handlers. deps: vscode, client() (the
// running LanguageClient or undefined), getSettings(), execFile(cmd,
// args, opts, callback) as child_process has it, and restart().
/**
 * @param {{
 *   vscode: typeof import('vscode'),
 *   client: () => (import('vscode-languageclient/node').LanguageClient | undefined),
 *   getSettings: () => ReturnType<typeof settings.read>,
 *   execFile: typeof import('child_process').execFile,
 *   restart: () => Promise<void>,
 * }} deps
 */
function create(deps) {
  const { vscode } = deps;

  // activeBuild is {file, dir} of the build the active editor belongs to:
  // the root file the server names in its lenses, else the file itself.
  async function activeBuild() {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'buildlang') {
      vscode.window.showErrorMessage('buildlang: open a build file first.');
      return undefined;
    }
    const uri = editor.document.uri.toString();
    const c = deps.client();
    if (c) {
      try {
        const lenses = await c.sendRequest('textDocument/codeLens', { textDocument: { uri } });
        for (const l of lenses || []) {
          const arg = l.command && l.command.arguments && l.command.arguments[0];
          if (arg && arg.file) {
            return { file: arg.file, dir: arg.dir };
          }
        }
      } catch (e) {
        // Fall back to the file itself.
      }
    }
    const file = rootFile(editor.document.uri.fsPath);
    return { file, dir: path.dirname(file) };
  }

  // rootFile is the build.hcl in a file's directory or above (within its
  // workspace folder) that would include it, as the server looks for one;
  // else the file itself.
  function rootFile(file) {
    if (path.basename(file) === 'build.hcl') {
      return file;
    }
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file));
    const top = folder ? folder.uri.fsPath : path.parse(file).root;
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      const cand = path.join(dir, 'build.hcl');
      if (fs.existsSync(cand)) {
        return cand;
      }
      if (dir === top || path.dirname(dir) === dir) {
        return file;
      }
    }
  }

  // symbols are the server's declarations of the given kinds.
  async function symbols(kinds) {
    const c = deps.client();
    if (!c) {
      return [];
    }
    try {
      const all = await c.sendRequest('workspace/symbol', { query: '' });
      return (all || []).filter((s) => kinds.includes(s.containerName));
    } catch (e) {
      return [];
    }
  }

  async function pickTarget(placeHolder) {
    /** @type {import('vscode').QuickPickItem[]} */
    const items = (await symbols(['target', 'group'])).map((s) => ({ label: s.name, description: s.containerName }));
    items.unshift({ label: '', description: 'the default group' });
    const picked = await vscode.window.showQuickPick(items, { placeHolder });
    return picked === undefined ? undefined : picked.label;
  }

  // targetFrom is {file, dir, target} from a lens's argument, else the
  // active build and a target the user picks; undefined when dismissed.
  async function targetFrom(arg, placeHolder) {
    if (arg && arg.file) {
      return { file: arg.file, dir: arg.dir || path.dirname(arg.file), target: arg.target || '' };
    }
    const b = await activeBuild();
    const target = b && await pickTarget(placeHolder);
    return target === undefined || !b ? undefined : { ...b, target };
  }

  async function build(arg) {
    const w = await targetFrom(arg, 'Target or group to build');
    return w ? runTask('build', w) : undefined;
  }

  async function check(arg) {
    const w = arg && arg.file ? { file: arg.file, dir: arg.dir || path.dirname(arg.file) } : await activeBuild();
    return w ? runTask('check', w) : undefined;
  }

  function runTask(command, w) {
    const definition = { type: tasks.TYPE, command, file: w.file, target: w.target || undefined };
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(w.file));
    const task = tasks.create(vscode, definition, folder, deps.getSettings());
    return vscode.tasks.executeTask(task);
  }

  async function graph(arg) {
    const w = await targetFrom(arg, 'Target or group to show');
    if (!w) {
      return undefined;
    }
    const s = deps.getSettings();
    const line = settings.commandLine('graph', w, s, ['--format', s.graphFormat]);
    const out = await new Promise((resolve) => {
      deps.execFile(line.command, line.args, { cwd: line.cwd, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
        resolve({ err, stdout: String(stdout || ''), stderr: String(stderr || '') });
      });
    });
    if (out.err) {
      vscode.window.showErrorMessage(`buildlang graph failed: ${out.stderr.trim() || out.err.message}`);
      return undefined;
    }
    const mermaid = s.graphFormat === 'mermaid';
    const doc = await vscode.workspace.openTextDocument({
      language: mermaid ? 'markdown' : 'dot',
      content: mermaid ? '```mermaid\n' + out.stdout + '```\n' : out.stdout,
    });
    return vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }

  async function selectEnvironment() {
    const envs = (await symbols(['environment'])).map((s) => s.name);
    const names = [...new Set(['default', ...envs])];
    const current = deps.getSettings().env || 'default';
    /** @type {import('vscode').QuickPickItem[]} */
    const items = names.map((n) => ({ label: n, description: n === current ? 'selected' : '' }));
    const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Environment for checks, lenses and builds' });
    if (!picked) {
      return undefined;
    }
    const target = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders.length > 0
      ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    return vscode.workspace.getConfiguration('buildlang').update('env', picked.label === 'default' ? '' : picked.label, target);
  }

  return {
    'buildlang.build': build,
    'buildlang.check': check,
    'buildlang.graph': graph,
    'buildlang.selectEnvironment': selectEnvironment,
    'buildlang.restartServer': () => deps.restart(),
  };
}

module.exports = { create };
