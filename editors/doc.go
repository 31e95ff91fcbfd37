// Package editors holds the editor integrations of buildlang's language
// server (see README.md): the VS Code extension in vscode/, whose own tests
// run with node (npm test, wired into .ci/run), and the Helix
// configuration in helix/. Its Go tests check what ties them to the
// language: the grammar's blocks and the snippets against lang's schema,
// the problem matcher against `buildlang check` output, and the Helix
// configuration as Helix parses it.
package editors
