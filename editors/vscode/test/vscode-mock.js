// A mock of the parts of the `vscode` module and of
// vscode-languageclient/node the extension uses, recording what the
// extension does. VS Code itself cannot be downloaded on the machines
// these tests run on (see editors/README.md), so the extension's logic is
// tested against this; install() makes require('vscode') return it.
'use strict';

const Module = require('module');
const path = require('path');

class Emitter {
  constructor() { this.listeners = []; }
  event = (fn) => { this.listeners.push(fn); return { dispose: () => {} }; };
  async fire(e) { for (const fn of this.listeners) { await fn(e); } }
}

function create() {
  const calls = [];
  const record = (name, ...args) => { calls.push({ name, args }); };
  const config = { path: 'buildlang', env: '', vars: {}, graphFormat: 'dot' };
  const configEvents = new Emitter();
  const openEvents = new Emitter();
  const editorEvents = new Emitter();
  const commands = {};
  const quickPicks = []; // answers for showQuickPick, in order
  const clients = [];
  const responses = {}; // LanguageClient.sendRequest results by method

  class Uri {
    constructor(fsPath) { this.fsPath = fsPath; this.scheme = 'file'; }
    static file(p) { return new Uri(p); }
    toString() { return `file://${this.fsPath}`; }
  }
  class ProcessExecution {
    constructor(process, args, options) { Object.assign(this, { process, args, options }); }
  }
  class Task {
    constructor(definition, scope, name, source, execution, problemMatchers) {
      Object.assign(this, { definition, scope, name, source, execution, problemMatchers });
    }
  }
  const statusItem = {
    text: '', visible: false,
    show() { this.visible = true; }, hide() { this.visible = false; }, dispose() {},
  };

  const vscode = {
    Uri, Task, ProcessExecution,
    TaskScope: { Workspace: 'workspace' },
    TaskGroup: { Build: 'build' },
    TaskRevealKind: { Always: 'always' },
    StatusBarAlignment: { Left: 1 },
    ConfigurationTarget: { Global: 1, Workspace: 2 },
    ViewColumn: { Beside: -2 },
    window: {
      activeTextEditor: undefined,
      createStatusBarItem: () => statusItem,
      showQuickPick: async (items, opts) => { record('showQuickPick', items, opts); return quickPicks.shift(); },
      showErrorMessage: (m) => record('showErrorMessage', m),
      showInformationMessage: (m) => record('showInformationMessage', m),
      showTextDocument: async (doc, opts) => record('showTextDocument', doc, opts),
      onDidChangeActiveTextEditor: editorEvents.event,
    },
    workspace: {
      textDocuments: [],
      workspaceFolders: [{ uri: Uri.file('/ws'), name: 'ws' }],
      getConfiguration: (section) => ({
        get: (k) => config[k],
        update: async (k, v, target) => {
          record('config.update', `${section}.${k}`, v, target);
          config[k] = v;
          await configEvents.fire({ affectsConfiguration: (s) => s === section || s === `${section}.${k}` });
        },
      }),
      getWorkspaceFolder: () => vscode.workspace.workspaceFolders[0],
      openTextDocument: async (opts) => { record('openTextDocument', opts); return { opts }; },
      onDidOpenTextDocument: openEvents.event,
      onDidChangeConfiguration: configEvents.event,
    },
    languages: {
      setTextDocumentLanguage: (doc, lang) => record('setTextDocumentLanguage', doc.fileName, lang),
    },
    commands: {
      registerCommand: (name, fn) => { commands[name] = fn; return { dispose: () => {} }; },
    },
    tasks: {
      registerTaskProvider: (type, provider) => { record('registerTaskProvider', type, provider); return { dispose() {} }; },
      executeTask: async (task) => { record('executeTask', task); return {}; },
    },
  };

  class LanguageClient {
    constructor(id, name, server, clientOptions) {
      Object.assign(this, { id, name, server, clientOptions, running: false, notifications: [], requests: [] });
      clients.push(this);
    }
    async start() { this.running = true; }
    async stop() { this.running = false; }
    async sendNotification(method, params) { this.notifications.push({ method, params }); }
    async sendRequest(method, params) {
      this.requests.push({ method, params });
      const r = responses[method];
      return typeof r === 'function' ? r(params) : r;
    }
  }

  return {
    vscode, languageclient: { LanguageClient }, calls, config, commands, quickPicks, clients, responses, statusItem,
    fireConfig: (section) => configEvents.fire({ affectsConfiguration: (s) => s === section }),
    fireOpen: (doc) => openEvents.fire(doc),
    fireEditor: (e) => { vscode.window.activeTextEditor = e; return editorEvents.fire(e); },
    Uri,
  };
}

// install makes require('vscode') and require('vscode-languageclient/node')
// return a fresh mock, reloads the extension and returns both.
function install() {
  const mock = create();
  const load = Module._load;
  Module._load = function (request, ...rest) {
    if (request === 'vscode') {
      return mock.vscode;
    }
    if (request === 'vscode-languageclient/node') {
      return mock.languageclient;
    }
    return load.call(this, request, ...rest);
  };
  const root = path.join(__dirname, '..');
  for (const k of Object.keys(require.cache)) {
    if (k.startsWith(root) && !k.includes('node_modules') && !k.includes(`${path.sep}test${path.sep}`)) {
      delete require.cache[k];
    }
  }
  const extension = require(path.join(root, 'extension.js'));
  mock.restore = () => { Module._load = load; };
  return { mock, extension };
}

// doc is a mock TextDocument.
function doc(fileName, firstLine, languageId = 'hcl') {
  return { fileName, uri: { scheme: 'file', fsPath: fileName, toString: () => `file://${fileName}` }, languageId,
    lineCount: 1, lineAt: () => ({ text: firstLine }) };
}

module.exports = { install, doc };
