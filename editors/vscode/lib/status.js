// The status item shows the selected environment; clicking it selects
// another one.
'use strict';

function text(s) {
  return `$(server-environment) ${s.env || 'default'}`;
}

/** @param {typeof import('vscode')} vscode */
function create(vscode) {
  const item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 10);
  item.command = 'buildlang.selectEnvironment';
  item.tooltip = 'buildlang environment (click to select another)';
  item.name = 'buildlang environment';
  return item;
}

// update shows the environment while a build file is the active editor.
/**
 * @param {import('vscode').StatusBarItem} item
 * @param {{env: string}} s
 * @param {import('vscode').TextEditor | undefined} editor
 */
function update(item, s, editor) {
  item.text = text(s);
  if (editor && editor.document && editor.document.languageId === 'buildlang') {
    item.show();
  } else {
    item.hide();
  }
}

module.exports = { text, create, update };
