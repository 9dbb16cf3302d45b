#!/bin/sh
# Run every fuzz target in turn for SECONDS each (default 600), seeded from the fixtures.
# Prints libFuzzer's final line per target; crashes land in fuzz/artifacts/<target>/.
set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
seconds=${1:-600}
targets=${TARGETS:-"decode xml_tree c14n verify jwt jwks json directory config_load x509"}
./seed.sh >/dev/null
RUSTC_BOOTSTRAP=1 cargo fuzz build || exit 2
mkdir -p logs
for t in $targets; do
    log="logs/$t.log"
    start=$(date +%s)
    RUSTC_BOOTSTRAP=1 cargo fuzz run "$t" "corpus/$t" -- -max_total_time="$seconds" \
        -rss_limit_mb=2048 -timeout=10 >"$log" 2>&1
    rc=$?
    end=$(date +%s)
    printf '%s rc=%s minutes=%s %s\n' "$t" "$rc" "$(( (end - start) / 60 ))" \
        "$(grep -E '^Done [0-9]+ runs' "$log" | tail -1)"
done
