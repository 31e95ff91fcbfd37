// The buildlang extension: a grammar, snippets and a problem matcher
// (package.json), and `buildlang lsp` for build files: files named
// build.hcl, and *.hcl files whose first line is `# syntax=org/buildlang`
// (even when another extension claims .hcl). It registers the commands the
// server's code lenses name, runs builds and checks as tasks, shows the
// selected environment in the status bar, and applies settings without a
// reload. The logic lives in lib/, tested with a mocked vscode module.
'use strict';

const vscode = require('vscode');
const childProcess = require('child_process');
const settings = require('./lib/settings');
const tasks = require('./lib/tasks');
const status = require('./lib/status');
const commands = require('./lib/commands');

const SYNTAX_LINE = /^#\s*syntax\s*=\s*org\/buildlang/;

let client;
let current;

// isBuildFile says whether a document is a build file by name or first line.
function isBuildFile(doc) {
  if (doc.uri.scheme !== 'file') {
    return false;
  }
  const name = doc.fileName.replace(/\\/g, '/');
  return name.endsWith('/build.hcl') ||
    (name.endsWith('.hcl') && doc.lineCount > 0 && SYNTAX_LINE.test(doc.lineAt(0).text));
}

// claim gives a build file the buildlang language, which starts the server.
function claim(doc) {
  if (doc.languageId !== 'buildlang' && isBuildFile(doc)) {
    vscode.languages.setTextDocumentLanguage(doc, 'buildlang');
  }
}

function readSettings() {
  return settings.read(vscode.workspace.getConfiguration('buildlang'));
}

function newClient(s) {
  const { LanguageClient } = require('vscode-languageclient/node');
  const server = { command: s.path, args: ['lsp'] };
  return new LanguageClient('buildlang', 'buildlang', { run: server, debug: server }, {
    documentSelector: [{ language: 'buildlang' }],
    initializationOptions: () => settings.serverSettings(current),
  });
}

async function restart() {
  if (client) {
    const old = client;
    client = undefined;
    await old.stop().catch(() => {});
  }
  client = newClient(current);
  await client.start();
}

// configurationChanged applies new settings: a new binary restarts the
// server; a new environment or new variables reach it as
// workspace/didChangeConfiguration, so diagnostics follow at once.
async function configurationChanged(item) {
  const next = readSettings();
  const kind = settings.change(current, next);
  current = next;
  status.update(item, current, vscode.window.activeTextEditor);
  if (kind === 'restart') {
    await restart();
  } else if (kind === 'notify' && client) {
    await client.sendNotification('workspace/didChangeConfiguration', { settings: { buildlang: settings.serverSettings(current) } });
  }
  return kind;
}

function activate(context) {
  current = readSettings();
  const item = status.create(vscode);
  const handlers = commands.create({
    vscode,
    client: () => client,
    getSettings: () => current,
    execFile: childProcess.execFile,
    restart,
  });
  for (const [name, handler] of Object.entries(handlers)) {
    context.subscriptions.push(vscode.commands.registerCommand(name, handler));
  }
  context.subscriptions.push(
    item,
    vscode.tasks.registerTaskProvider(tasks.TYPE, tasks.provider(vscode, () => current)),
    vscode.workspace.onDidOpenTextDocument(claim),
    vscode.window.onDidChangeActiveTextEditor((e) => status.update(item, current, e)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('buildlang')) {
        return configurationChanged(item);
      }
      return undefined;
    }),
  );
  vscode.workspace.textDocuments.forEach(claim);
  status.update(item, current, vscode.window.activeTextEditor);
  client = newClient(current);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate, isBuildFile, configurationChanged, _client: () => client };
