// The buildlang extension starts `buildlang lsp` for build files: files
// named build.hcl, and *.hcl files whose first line is
// `# syntax=org/buildlang` (even when another extension claims .hcl).
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

const SYNTAX_LINE = /^#\s*syntax\s*=\s*org\/buildlang/;

let client;

// claim gives a build file the buildlang language, which starts the server.
function claim(doc) {
  if (doc.languageId === 'buildlang' || doc.uri.scheme !== 'file') {
    return;
  }
  const name = doc.fileName.replace(/\\/g, '/');
  const isBuildFile = name.endsWith('/build.hcl') ||
    (name.endsWith('.hcl') && doc.lineCount > 0 && SYNTAX_LINE.test(doc.lineAt(0).text));
  if (isBuildFile) {
    vscode.languages.setTextDocumentLanguage(doc, 'buildlang');
  }
}

function activate(context) {
  const config = vscode.workspace.getConfiguration('buildlang');
  const args = ['lsp'];
  if (config.get('env')) {
    args.push('--env', config.get('env'));
  }
  for (const [name, value] of Object.entries(config.get('vars') || {})) {
    args.push('--var', `${name}=${value}`);
  }
  const command = config.get('path') || 'buildlang';
  client = new LanguageClient(
    'buildlang',
    'buildlang',
    { run: { command, args }, debug: { command, args } },
    { documentSelector: [{ language: 'buildlang' }] },
  );
  client.start();
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(claim),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('buildlang')) {
        vscode.window.showInformationMessage('buildlang: reload the window to apply the new settings.');
      }
    }),
  );
  vscode.workspace.textDocuments.forEach(claim);
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
