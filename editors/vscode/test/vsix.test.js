// Packages the extension with scripts/package.sh (@vscode/vsce) and checks
// the .vsix holds what VS Code loads: the client and its runtime
// dependencies, the grammar, the snippets and the language configuration
// that package.json names, and nothing of the tests or dev tools.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const yauzl = require('yauzl'); // vsce's own zip reader

function entries(file) {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) {
        return reject(err);
      }
      const names = new Map();
      zip.on('entry', (e) => {
        zip.openReadStream(e, (err2, stream) => {
          if (err2) {
            return reject(err2);
          }
          const chunks = [];
          stream.on('data', (c) => chunks.push(c));
          stream.on('end', () => { names.set(e.fileName, Buffer.concat(chunks)); zip.readEntry(); });
        });
      });
      zip.on('end', () => resolve(names));
      zip.readEntry();
    });
  });
}

test('the .vsix holds the client, grammar, snippets and configuration', async () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vsix-')), 'buildlang.vsix');
  execFileSync('bash', [path.join(__dirname, '..', 'scripts', 'package.sh'), out], { stdio: ['ignore', 'ignore', 'pipe'] });
  const files = await entries(out);
  const names = [...files.keys()];
  const pkg = JSON.parse(files.get('extension/package.json').toString());
  const need = [
    'extension.vsixmanifest',
    'extension/extension.js',
    'extension/lib/commands.js',
    'extension/lib/settings.js',
    'extension/lib/status.js',
    'extension/lib/tasks.js',
    'extension/node_modules/vscode-languageclient/node.js',
    'extension/node_modules/vscode-languageclient/package.json',
    ...pkg.contributes.grammars.map((g) => path.posix.join('extension', g.path)),
    ...pkg.contributes.snippets.map((s) => path.posix.join('extension', s.path)),
    ...pkg.contributes.languages.map((l) => path.posix.join('extension', l.configuration)),
  ];
  for (const n of need) {
    assert.ok(files.has(n), `${n} is in the .vsix`);
  }
  for (const n of names) {
    assert.ok(!/^extension\/(test|scripts)\//.test(n), `${n}: tests and scripts stay out`);
    assert.ok(!/node_modules\/(@vscode\/vsce|vscode-textmate|vscode-oniguruma|typescript|@types)\//.test(n), `${n}: dev dependencies stay out`);
  }
  // What is packaged is what is in the tree.
  const grammar = 'syntaxes/buildlang.tmLanguage.json';
  assert.deepStrictEqual(JSON.parse(files.get(`extension/${grammar}`).toString()),
    JSON.parse(fs.readFileSync(path.join(__dirname, '..', grammar), 'utf8')));
  assert.strictEqual(pkg.main, './extension.js');
});
