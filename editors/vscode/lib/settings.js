// Settings: reading them, and what a change needs. The environment and the
// variables reach the running server as workspace/didChangeConfiguration;
// only a new binary needs a restart.
'use strict';

// read returns the buildlang settings from a WorkspaceConfiguration.
/** @param {import('vscode').WorkspaceConfiguration} config */
function read(config) {
  const vars = {};
  for (const [name, value] of Object.entries(config.get('vars') || {})) {
    vars[name] = String(value);
  }
  return {
    path: config.get('path') || 'buildlang',
    env: config.get('env') || '',
    vars,
    graphFormat: config.get('graphFormat') || 'dot',
  };
}

// change says what moving from settings a to b needs: 'restart' when the
// binary changes, 'notify' when the environment or variables change,
// 'none' otherwise.
function change(a, b) {
  if (a.path !== b.path) {
    return 'restart';
  }
  if (a.env !== b.env || JSON.stringify(sorted(a.vars)) !== JSON.stringify(sorted(b.vars))) {
    return 'notify';
  }
  return 'none';
}

function sorted(vars) {
  return Object.keys(vars).sort().map((k) => [k, vars[k]]);
}

// serverSettings is what the server reads from initializationOptions and
// from workspace/didChangeConfiguration's settings.buildlang.
function serverSettings(s) {
  return { env: s.env, vars: s.vars };
}

// commandLine is the `buildlang VERB` command line for a build file: what
// a code lens (whose argument carries file, dir and target) or a command
// runs, with the current settings. The file is absolute so check's
// output names files the problem matcher finds from any directory.
function commandLine(verb, where, s, extra = []) {
  const args = [verb, '-f', where.file];
  if (s.env) {
    args.push('--env', s.env);
  }
  for (const [name, value] of sorted(s.vars)) {
    args.push('--var', `${name}=${value}`);
  }
  args.push(...extra);
  if (where.target) {
    args.push(where.target);
  }
  return { command: s.path, args, cwd: where.dir };
}

module.exports = { read, change, serverSettings, commandLine };
