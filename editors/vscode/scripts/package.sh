#!/usr/bin/env bash
# Packages the extension as a .vsix with @vscode/vsce (a devDependency from
# the npm registry, pinned by package-lock.json): the only network it needs
# is the npm registry, and only when node_modules is missing.
#
#   bash editors/vscode/scripts/package.sh [OUT.vsix]   # default buildlang.vsix
#   code --install-extension buildlang.vsix
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -d node_modules ]] || npm ci --no-audit --no-fund >&2
out=${1:-buildlang.vsix}
# No LICENSE file in this folder (the repository's licence covers it), and
# no prompt: this runs in CI.
node node_modules/@vscode/vsce/vsce package --skip-license --out "$out" </dev/null >&2
echo "$out"
