#!/usr/bin/env bash
# Install the SARIF oracle used by tests/report_sarif.rs: the official SARIF 2.1.0 JSON Schema
# as Microsoft publishes it in the @microsoft/jest-sarif npm package, and python3's jsonschema
# validator. Both go where the test looks for them; without them the test skips and says why.
set -euo pipefail
cd "$(dirname "$0")/.."

pkg="@microsoft/jest-sarif@1.0.0-beta.0"
dest=target/test-deps/sarif
schema="$dest/package/lib/schemas/sarif-2.1.0-rtm.5.json"
if [ ! -f "$schema" ]; then
  echo "installing the SARIF 2.1.0 schema ($pkg)" >&2
  mkdir -p "$dest"
  tarball=$(cd "$dest" && npm pack --silent "$pkg")
  tar -xzf "$dest/$tarball" -C "$dest"
fi
if ! python3 -c 'import jsonschema' 2>/dev/null; then
  echo "installing python3 jsonschema" >&2
  python3 -m pip install --quiet 'jsonschema>=4'
fi
