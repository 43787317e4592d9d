#!/usr/bin/env bash
# Installs what the real-VS-Code tests (npm run test:integration, npm run test:e2e) need, idempotently:
#   - Debian packages: chromium (the browser Playwright drives), ripgrep (VS Code's search, and the seed for
#     @vscode/ripgrep below), the -dev headers code-server's native modules compile against, and
#     libonnx-testdata (the ONNX backend test models test/unit/backendSuite.test.ts checks inspect against);
#   - code-server@4.100.3 (VS Code 1.100.3 whose extension host is Node, so onnxruntime-node loads) from npm,
#     into a cache folder, not into the project's devDependencies (it is ~500 MB and only these tests use it).
# @vscode/test-electron cannot download VS Code on machines without internet; code-server comes from npm.
#
# Usage: bash scripts/setup-e2e.sh          (ONNX_TUNER_E2E_CACHE overrides ~/.cache/onnx-tuner-e2e)
# A second run checks and returns in about a second.
set -euo pipefail

CS_VERSION=4.100.3
CACHE=${ONNX_TUNER_E2E_CACHE:-$HOME/.cache/onnx-tuner-e2e}
CS_DIR=$CACHE/code-server
APT_PACKAGES=(chromium ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config libonnx-testdata)

start=$(date +%s.%N)
lap() { printf '[setup-e2e %5.1fs] %s\n' "$(echo "$(date +%s.%N) - $start" | bc)" "$*"; }

# 1. System packages, only those missing (dpkg -s is instant; apt-get update is not).
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  lap "installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
lap "system packages present ($(chromium --version 2>/dev/null | head -1))"

# 2. code-server. The marker is written last, so an interrupted install is redone rather than trusted.
if [ -f "$CS_DIR/.installed-$CS_VERSION" ] && [ -x "$CS_DIR/node_modules/.bin/code-server" ]; then
  lap "code-server $CS_VERSION already in $CS_DIR"
else
  rm -rf "$CS_DIR" "$CS_DIR.tmp"
  mkdir -p "$CS_DIR.tmp/tmp/rg"
  # @vscode/ripgrep's postinstall downloads rg from GitHub; it first looks in $TMPDIR/vscode-ripgrep-cache-<v>,
  # so seed that with Debian's rg under the file name it asks for.
  rgcache=$CS_DIR.tmp/tmp/vscode-ripgrep-cache-1.15.11
  mkdir -p "$rgcache"
  cp /usr/bin/rg "$CS_DIR.tmp/tmp/rg/rg"
  tar czf "$rgcache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$CS_DIR.tmp/tmp/rg" rg
  lap "installing code-server@$CS_VERSION (npm; compiles native modules, a few minutes)"
  # unsafe_perm: code-server's postinstall refuses to run as root without it.
  # yes: node-pty's install runs `npx node-gyp`, which aborts under a user's `yes=false`.
  (cd "$CS_DIR.tmp" && echo '{"name":"onnx-tuner-e2e-code-server","private":true}' > package.json &&
    TMPDIR=$CS_DIR.tmp/tmp npm_config_unsafe_perm=true npm_config_yes=true \
      npm install --no-audit --no-fund --no-save --loglevel=error "code-server@$CS_VERSION" > install.log 2>&1) ||
    { tail -40 "$CS_DIR.tmp/install.log"; echo "setup-e2e: code-server install failed (log: $CS_DIR.tmp/install.log)" >&2; exit 1; }
  rm -rf "$CS_DIR.tmp/tmp"
  mv "$CS_DIR.tmp" "$CS_DIR"
  touch "$CS_DIR/.installed-$CS_VERSION"
fi
# (Not `code-server --version`: that writes a config file into the real HOME.)
lap "ready: code-server $(node -p "require('$CS_DIR/node_modules/code-server/package.json').version") in $CS_DIR"
