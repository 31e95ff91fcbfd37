// Tasks: build and check run as VS Code tasks, in a terminal, so the
// output is buildlang's own progress display and check's problems reach
// the Problems view through the "$buildlang" problem matcher.
'use strict';

const path = require('path');
const settings = require('./settings');

const TYPE = 'buildlang';

// where resolves a task definition's file (default build.hcl in the
// folder) to {file, dir, target}.
function where(definition, folderPath) {
  const file = path.resolve(folderPath || '.', definition.file || 'build.hcl');
  return { file, dir: path.dirname(file), target: definition.target || '' };
}

// create makes the task that runs `buildlang <command>` for a definition
// ({type: 'buildlang', command: 'build' | 'check', target, file}).
/**
 * @param {typeof import('vscode')} vscode
 * @param {import('vscode').TaskDefinition} definition
 * @param {import('vscode').WorkspaceFolder | undefined} scope
 * @param {ReturnType<typeof settings.read>} s
 * @returns {import('vscode').Task}
 */
function create(vscode, definition, scope, s) {
  const folderPath = scope && scope.uri ? scope.uri.fsPath : undefined;
  const w = where(definition, folderPath);
  const line = settings.commandLine(definition.command, w, s);
  const name = definition.command === 'build'
    ? `build ${w.target || 'default'}${s.env ? ` (${s.env})` : ''}`
    : `check${s.env ? ` (${s.env})` : ''}`;
  const task = new vscode.Task(
    definition,
    scope || vscode.TaskScope.Workspace,
    name,
    TYPE,
    new vscode.ProcessExecution(line.command, line.args, { cwd: line.cwd }),
    definition.command === 'check' ? ['$buildlang'] : [],
  );
  task.group = definition.command === 'build' ? vscode.TaskGroup.Build : undefined;
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, clear: true };
  return task;
}

// provider resolves tasks.json entries of type buildlang.
/**
 * @param {typeof import('vscode')} vscode
 * @param {() => ReturnType<typeof settings.read>} getSettings
 * @returns {import('vscode').TaskProvider}
 */
function provider(vscode, getSettings) {
  return {
    provideTasks() {
      return [];
    },
    resolveTask(task) {
      if (!task.definition || task.definition.type !== TYPE || !task.definition.command) {
        return undefined;
      }
      const scope = typeof task.scope === 'object' ? task.scope : undefined;
      return create(vscode, task.definition, scope, getSettings());
    },
  };
}

module.exports = { TYPE, where, create, provider };
