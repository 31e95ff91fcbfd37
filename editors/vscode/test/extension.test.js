// The extension's activation, commands, tasks, status item and settings,
// against the mocked vscode module of vscode-mock.js.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');
const { install, doc } = require('./vscode-mock');

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));

async function activated(config = {}) {
  const { mock, extension } = install();
  Object.assign(mock.config, config);
  await extension.activate({ subscriptions: [] });
  return { mock, extension, client: () => extension._client() };
}

// The code lens commands the server sends, read from lsp/code_lens.go.
function serverCommands() {
  const src = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'lsp', 'code_lens.go'), 'utf8');
  return [...src.matchAll(/Command\w+\s*=\s*"([^"]+)"/g)].map((m) => m[1]);
}

test('activation registers every command package.json and the server name', async (t) => {
  const { mock } = await activated();
  t.after(mock.restore);
  const declared = pkg.contributes.commands.map((c) => c.command).sort();
  assert.deepStrictEqual(Object.keys(mock.commands).sort(), declared);
  const lens = serverCommands();
  assert.deepStrictEqual(lens, ['buildlang.build', 'buildlang.check', 'buildlang.graph']);
  for (const c of lens) {
    assert.ok(mock.commands[c], `the server's lens command ${c} is registered`);
  }
  assert.ok(mock.calls.some((c) => c.name === 'registerTaskProvider' && c.args[0] === 'buildlang'));
  assert.deepStrictEqual(pkg.contributes.taskDefinitions.map((d) => d.type), ['buildlang']);
});

test('the server starts with the settings as initialization options', async (t) => {
  const { mock, client } = await activated({ path: '/opt/buildlang', env: 'prod', vars: { A: 1 } });
  t.after(mock.restore);
  const c = client();
  assert.ok(c.running);
  assert.deepStrictEqual(c.server.run, { command: '/opt/buildlang', args: ['lsp'] });
  assert.deepStrictEqual(c.clientOptions.documentSelector, [{ language: 'buildlang' }]);
  assert.deepStrictEqual(c.clientOptions.initializationOptions(), { env: 'prod', vars: { A: '1' } });
});

test('build files are claimed by name or first line', async (t) => {
  const { mock, extension } = await activated();
  t.after(mock.restore);
  await mock.fireOpen(doc('/ws/build.hcl', ''));
  await mock.fireOpen(doc('/ws/ci.hcl', '# syntax=org/buildlang'));
  await mock.fireOpen(doc('/ws/main.tf.hcl', 'resource "x" "y" {}'));
  await mock.fireOpen(doc('/ws/build.hcl.bak', ''));
  const claimed = mock.calls.filter((c) => c.name === 'setTextDocumentLanguage').map((c) => c.args[0]);
  assert.deepStrictEqual(claimed, ['/ws/build.hcl', '/ws/ci.hcl']);
  assert.strictEqual(extension.isBuildFile({ ...doc('/ws/build.hcl', ''), uri: { scheme: 'untitled' } }), false);
});

test('settings apply without a reload', async (t) => {
  const { mock, client } = await activated();
  t.after(mock.restore);
  const first = client();
  // A new environment reaches the running server.
  await mock.vscode.workspace.getConfiguration('buildlang').update('env', 'prod');
  assert.deepStrictEqual(first.notifications, [{ method: 'workspace/didChangeConfiguration',
    params: { settings: { buildlang: { env: 'prod', vars: {} } } } }]);
  assert.strictEqual(client(), first, 'no restart for env');
  await mock.vscode.workspace.getConfiguration('buildlang').update('vars', { GO_VERSION: '1.24' });
  assert.deepStrictEqual(first.notifications[1].params.settings.buildlang.vars, { GO_VERSION: '1.24' });
  // The graph format is the extension's own: nothing to send.
  await mock.vscode.workspace.getConfiguration('buildlang').update('graphFormat', 'mermaid');
  assert.strictEqual(first.notifications.length, 2);
  // A new binary restarts the server with it.
  await mock.vscode.workspace.getConfiguration('buildlang').update('path', '/new/buildlang');
  assert.notStrictEqual(client(), first);
  assert.strictEqual(first.running, false);
  assert.strictEqual(client().server.run.command, '/new/buildlang');
  assert.ok(client().running);
  assert.deepStrictEqual(client().clientOptions.initializationOptions(), { env: 'prod', vars: { GO_VERSION: '1.24' } });
});

test('a build lens runs buildlang build as a task with the selected environment', async (t) => {
  const { mock } = await activated({ env: 'prod', vars: { B: '2', A: '1' }, path: '/bin/bl' });
  t.after(mock.restore);
  await mock.commands['buildlang.build']({ file: '/ws/build.hcl', dir: '/ws', target: 'app', args: ['ignored'] });
  const task = mock.calls.find((c) => c.name === 'executeTask').args[0];
  assert.strictEqual(task.execution.process, '/bin/bl');
  assert.deepStrictEqual(task.execution.args, ['build', '-f', '/ws/build.hcl', '--env', 'prod', '--var', 'A=1', '--var', 'B=2', 'app']);
  assert.deepStrictEqual(task.execution.options, { cwd: '/ws' });
  assert.strictEqual(task.name, 'build app (prod)');
  assert.deepStrictEqual(task.problemMatchers, []);
  assert.strictEqual(task.definition.type, 'buildlang');
});

test('a check lens runs buildlang check with the problem matcher', async (t) => {
  const { mock } = await activated();
  t.after(mock.restore);
  await mock.commands['buildlang.check']({ file: '/ws/sub/build.hcl', dir: '/ws/sub' });
  const task = mock.calls.find((c) => c.name === 'executeTask').args[0];
  assert.deepStrictEqual(task.execution.args, ['check', '-f', '/ws/sub/build.hcl']);
  assert.deepStrictEqual(task.problemMatchers, ['$buildlang']);
  assert.deepStrictEqual(pkg.contributes.problemMatchers.map((m) => `$${m.name}`), ['$buildlang']);
});

test('build from the palette picks a target from the server and the root file from its lenses', async (t) => {
  const { mock } = await activated();
  t.after(mock.restore);
  mock.responses['textDocument/codeLens'] = [{ command: { arguments: [{ file: '/ws/build.hcl', dir: '/ws' }] } }];
  mock.responses['workspace/symbol'] = [
    { name: 'app', containerName: 'target' }, { name: 'all', containerName: 'group' }, { name: 'V', containerName: 'variable' }];
  mock.vscode.window.activeTextEditor = { document: doc('/ws/services/api.hcl', '', 'buildlang') };
  mock.quickPicks.push({ label: 'all' });
  await mock.commands['buildlang.build']();
  const pick = mock.calls.find((c) => c.name === 'showQuickPick').args[0];
  assert.deepStrictEqual(pick.map((i) => i.label), ['', 'app', 'all']);
  const task = mock.calls.find((c) => c.name === 'executeTask').args[0];
  assert.deepStrictEqual(task.execution.args, ['build', '-f', '/ws/build.hcl', 'all']);
  // Dismissing the pick builds nothing.
  mock.calls.length = 0;
  await mock.commands['buildlang.build']();
  assert.ok(!mock.calls.some((c) => c.name === 'executeTask'));
});

test('commands need a build file', async (t) => {
  const { mock } = await activated();
  t.after(mock.restore);
  mock.vscode.window.activeTextEditor = { document: doc('/ws/README.md', '', 'markdown') };
  await mock.commands['buildlang.check']();
  assert.ok(mock.calls.some((c) => c.name === 'showErrorMessage'));
  assert.ok(!mock.calls.some((c) => c.name === 'executeTask'));
});

test('graph shows buildlang graph output beside the editor', async (t) => {
  const { mock } = await activated({ graphFormat: 'mermaid' });
  t.after(mock.restore);
  // The real child_process.execFile runs a stand-in for buildlang.
  const fake = path.join(fs.mkdtempSync(path.join(require('os').tmpdir(), 'bl-')), 'buildlang');
  fs.writeFileSync(fake, '#!/bin/sh\necho "graph TD"\necho "  $*"\n', { mode: 0o755 });
  mock.config.path = fake;
  await mock.fireConfig('buildlang');
  await mock.commands['buildlang.graph']({ file: '/ws/build.hcl', dir: '/tmp', target: 'app' });
  const opened = mock.calls.find((c) => c.name === 'openTextDocument').args[0];
  assert.strictEqual(opened.language, 'markdown');
  assert.strictEqual(opened.content, '```mermaid\ngraph TD\n  graph -f /ws/build.hcl --format mermaid app\n```\n');
  assert.ok(mock.calls.some((c) => c.name === 'showTextDocument'));
  // A failing graph is an error message, not a document.
  fs.writeFileSync(fake, '#!/bin/sh\necho "Error: no target" >&2\nexit 1\n');
  mock.calls.length = 0;
  await mock.commands['buildlang.graph']({ file: '/ws/build.hcl', dir: '/tmp', target: 'nope' });
  assert.deepStrictEqual(mock.calls.filter((c) => c.name === 'showErrorMessage').map((c) => c.args[0]),
    ['buildlang graph failed: Error: no target']);
});

test('the status item shows the environment and selects another', async (t) => {
  const { mock, client } = await activated();
  t.after(mock.restore);
  assert.strictEqual(mock.statusItem.visible, false);
  await mock.fireEditor({ document: doc('/ws/build.hcl', '', 'buildlang') });
  assert.strictEqual(mock.statusItem.visible, true);
  assert.strictEqual(mock.statusItem.text, '$(server-environment) default');
  assert.strictEqual(mock.statusItem.command, 'buildlang.selectEnvironment');
  mock.responses['workspace/symbol'] = [{ name: 'prod', containerName: 'environment' }, { name: 'app', containerName: 'target' }];
  mock.quickPicks.push({ label: 'prod' });
  await mock.commands['buildlang.selectEnvironment']();
  const pick = mock.calls.find((c) => c.name === 'showQuickPick').args[0];
  assert.deepStrictEqual(pick.map((i) => i.label), ['default', 'prod']);
  assert.ok(mock.calls.some((c) => c.name === 'config.update' && c.args[0] === 'buildlang.env' && c.args[1] === 'prod' && c.args[2] === 2));
  assert.strictEqual(mock.statusItem.text, '$(server-environment) prod');
  assert.strictEqual(client().notifications.at(-1).params.settings.buildlang.env, 'prod');
  await mock.fireEditor({ document: doc('/ws/main.go', '', 'go') });
  assert.strictEqual(mock.statusItem.visible, false);
});

test('tasks.json entries of type buildlang resolve to a task', async (t) => {
  const { mock } = await activated({ env: 'dev' });
  t.after(mock.restore);
  const provider = mock.calls.find((c) => c.name === 'registerTaskProvider').args[1];
  const task = provider.resolveTask({ definition: { type: 'buildlang', command: 'build', target: 'api', file: 'sub/build.hcl' },
    scope: { uri: { fsPath: '/ws' } } });
  assert.deepStrictEqual(task.execution.args, ['build', '-f', '/ws/sub/build.hcl', '--env', 'dev', 'api']);
  assert.deepStrictEqual(task.execution.options, { cwd: '/ws/sub' });
  assert.strictEqual(provider.resolveTask({ definition: { type: 'shell' } }), undefined);
});

test('the language configuration is what VS Code reads', () => {
  const lc = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'language-configuration.json'), 'utf8'));
  const word = new RegExp(lc.wordPattern);
  assert.strictEqual('target_platform-x'.match(word)[0], 'target_platform-x');
  const inc = new RegExp(lc.indentationRules.increaseIndentPattern);
  const dec = new RegExp(lc.indentationRules.decreaseIndentPattern);
  for (const line of ['target "app" {', '  tags = [', '  env = { # a comment']) {
    assert.ok(inc.test(line), `indent after ${line}`);
  }
  assert.ok(!inc.test('  from = "alpine:3.20"'));
  assert.ok(dec.test('  }') && dec.test(']'));
  assert.deepStrictEqual(lc.comments, { lineComment: '#', blockComment: ['/*', '*/'] });
  assert.strictEqual(pkg.contributes.languages[0].configuration, './language-configuration.json');
});

test('from the palette, a file without targets builds with the build.hcl above it', async (t) => {
  const { mock } = await activated();
  t.after(mock.restore);
  const ws = fs.mkdtempSync(path.join(require('os').tmpdir(), 'ws-'));
  fs.mkdirSync(path.join(ws, 'vars'));
  fs.writeFileSync(path.join(ws, 'build.hcl'), 'include = ["vars/*.hcl"]\n');
  mock.vscode.workspace.workspaceFolders = [{ uri: mock.Uri.file(ws), name: 'ws' }];
  mock.responses['textDocument/codeLens'] = []; // variables only: no lenses
  mock.vscode.window.activeTextEditor = { document: doc(path.join(ws, 'vars', 'common.hcl'), '', 'buildlang') };
  await mock.commands['buildlang.check']();
  const task = mock.calls.find((c) => c.name === 'executeTask').args[0];
  assert.deepStrictEqual(task.execution.args, ['check', '-f', path.join(ws, 'build.hcl')]);
  assert.deepStrictEqual(task.execution.options, { cwd: ws });
});
