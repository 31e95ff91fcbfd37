// Tokenizes every example's build files and the tricky fixtures with the
// extension's TextMate grammar, through vscode-textmate and
// vscode-oniguruma (what VS Code itself uses), and compares the scopes
// with the committed snapshots in test/snapshots. Rewrite them with
// UPDATE_SNAPSHOTS=1 npm test, and read the diff.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const root = path.join(__dirname, '..');
const repo = path.join(root, '..', '..');
const grammarPath = path.join(root, 'syntaxes', 'buildlang.tmLanguage.json');
const snapshots = path.join(__dirname, 'snapshots');
const update = process.env.UPDATE_SNAPSHOTS === '1';

let grammarPromise;
function grammar() {
  if (!grammarPromise) {
    const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm')).buffer;
    const onigLib = oniguruma.loadWASM(wasm).then(() => ({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }));
    const registry = new vsctm.Registry({
      onigLib,
      loadGrammar: async (scope) => (scope === 'source.buildlang'
        ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath) : null),
    });
    grammarPromise = registry.loadGrammar('source.buildlang');
  }
  return grammarPromise;
}

// tokenize returns [{line, start, end, text, scopes}] for a text.
async function tokenize(text) {
  const g = await grammar();
  let stack = vsctm.INITIAL;
  const out = [];
  text.split('\n').forEach((line, i) => {
    const r = g.tokenizeLine(line, stack);
    for (const t of r.tokens) {
      out.push({ line: i + 1, start: t.startIndex, end: t.endIndex, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    }
    stack = r.ruleStack;
  });
  return out;
}

// render lists each line and its tokens' scopes, without the common
// prefix and suffix; blank tokens are left out.
function render(text, tokens) {
  const lines = text.split('\n');
  const out = [];
  let last = 0;
  for (const t of tokens) {
    if (t.line !== last) {
      out.push(`> ${lines[t.line - 1]}`);
      last = t.line;
    }
    if (t.text.trim() === '') {
      continue;
    }
    const scopes = t.scopes.slice(1).map((s) => s.replace(/\.buildlang$/, '')).join(' ');
    out.push(`  ${t.start + 1}-${t.end} ${JSON.stringify(t.text)} ${scopes || '-'}`);
  }
  return out.join('\n') + '\n';
}

// cases are every .hcl file of examples/ and test/fixtures, by a name.
function cases() {
  const out = [];
  const walk = (dir, prefix) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        walk(p, `${prefix}${e.name}__`);
      } else if (e.name.endsWith('.hcl')) {
        out.push({ name: `${prefix}${e.name}`, file: p });
      }
    }
  };
  walk(path.join(repo, 'examples'), 'examples__');
  walk(path.join(__dirname, 'fixtures'), 'fixtures__');
  return out;
}

test('every example and fixture matches its scope snapshot', async () => {
  const all = cases();
  assert.ok(all.filter((c) => c.name.startsWith('examples__')).length >= 7, 'examples/ has build files');
  const wanted = new Set();
  for (const c of all) {
    const text = fs.readFileSync(c.file, 'utf8');
    const got = render(text, await tokenize(text));
    const snap = path.join(snapshots, `${c.name}.snap`);
    wanted.add(path.basename(snap));
    if (update) {
      fs.mkdirSync(snapshots, { recursive: true });
      fs.writeFileSync(snap, got);
      continue;
    }
    assert.ok(fs.existsSync(snap), `no snapshot ${snap}: run UPDATE_SNAPSHOTS=1 npm test`);
    assert.strictEqual(got, fs.readFileSync(snap, 'utf8'), `${c.file}: scopes differ from ${snap}; if the file changed on purpose, run cd editors/vscode && UPDATE_SNAPSHOTS=1 npm test and read the diff`);
  }
  for (const f of fs.readdirSync(snapshots)) {
    if (!wanted.has(f)) {
      if (update) {
        fs.unlinkSync(path.join(snapshots, f));
      } else {
        assert.fail(`stale snapshot ${f}: its file is gone; run UPDATE_SNAPSHOTS=1 npm test`);
      }
    }
  }
});

// scopeAt is the scopes of the token holding the first occurrence of
// needle (after skip characters) on a line of text.
async function scopeAt(text, needle, skip = 0) {
  const tokens = await tokenize(text);
  const lines = text.split('\n');
  for (const t of tokens) {
    const i = lines[t.line - 1].indexOf(needle);
    if (i >= 0 && t.start <= i + skip && i + skip < t.end) {
      return t.scopes.join(' ');
    }
  }
  return '';
}

test('what the snapshots show, spelled out', async () => {
  const src = [
    'target "app" {',
    '  from = "golang:${var.GO_VERSION}"',
    '  run {',
    '    command = <<-EOT',
    '      echo "${upper("}")}" # inside the heredoc',
    '    EOT',
    '  }',
    '  tags = [target.app.name] # a comment',
    '}',
    'x = "$${no}"',
  ].join('\n');
  const cases = [
    ['target', 0, 'keyword.other.block.buildlang'],
    ['app', 0, 'entity.name.label.buildlang'],
    ['from', 0, 'variable.other.property.buildlang'],
    ['${var', 0, 'punctuation.section.interpolation.begin.buildlang'],
    ['var.GO', 0, 'variable.language.reference.buildlang'],
    ['GO_VERSION', 0, 'variable.other.member.buildlang'],
    ['<<-', 0, 'keyword.operator.heredoc.buildlang'],
    ['upper', 0, 'support.function.buildlang'],
    ['"}"', 1, 'string.quoted.double.buildlang'],
    ['# inside', 0, 'string.unquoted.heredoc.buildlang'],
    ['    EOT', 4, 'keyword.control.heredoc-token.buildlang'],
    ['# a comment', 0, 'comment.line.number-sign.buildlang'],
    ['$${no}', 0, 'constant.character.escape.buildlang'],
  ];
  for (const [needle, skip, scope] of cases) {
    const got = await scopeAt(src, needle, skip);
    assert.ok(got.split(' ').includes(scope), `${needle}: want ${scope} in "${got}"`);
  }
  assert.ok(!(await scopeAt(src, '# inside')).includes('comment'), 'a # in a heredoc is not a comment');
  assert.ok(!(await scopeAt(src, '  tags')).includes('heredoc'), 'the heredoc ends at EOT');
});
