#!/usr/bin/env bash
# Installs the Chromium that the webview tests and benchmark drive through playwright-core (idempotent).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "chromium present: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  exit 0
fi
apt-get update
apt-get install -y chromium
