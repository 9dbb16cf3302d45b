#!/usr/bin/env bash
# Side-by-side benchmark of ssolint against its peers, every figure measured in the same run.
#
#   bench/compare.sh --install   install the peers (pip venv, apt, cargo) under bench/out/
#   bench/compare.sh             build ssolint, generate the material if needed, check that
#                                every tool agrees on the verdicts, then print the table
# Options: --small (smaller material, for trying the script), --quick (fewer runs),
#          --regen (generate the material again), --only=saml,oidc,lint,sim (some sections;
#          the table is complete only without it). SSOLINT_BIN=path skips the release build
#          and measures that binary instead. See bench/README.md.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/bench/out"
venv="$out/venv"
jwt="$out/cargo/bin/jwt"
install=0 small=0 quick=0 regen=0 only=()
for arg in "$@"; do
  case "$arg" in
    --only=*) only=(--only "${arg#--only=}") ;;
    --install) install=1 ;;
    --small) small=1 ;;
    --quick) quick=1 ;;
    --regen) regen=1 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

install_peers() {
  local missing=()
  command -v xmlsec1 >/dev/null || missing+=(xmlsec1 libxmlsec1-dev)
  command -v xmllint >/dev/null || missing+=(libxml2-utils)
  command -v hyperfine >/dev/null || missing+=(hyperfine)
  [ -x /usr/bin/time ] || missing+=(time)
  command -v pkg-config >/dev/null || missing+=(pkg-config)
  dpkg -s libxmlsec1-dev >/dev/null 2>&1 || missing+=(libxmlsec1-dev)
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  fi
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip wheel setuptools
  # lxml and xmlsec are built from source so that both use the system libxml2 (the python
  # xmlsec binding refuses an lxml linked against another libxml2).
  "$venv/bin/pip" install -q --no-binary lxml,xmlsec \
    lxml==6.1.3 xmlsec==1.3.17 python3-saml==1.16.0 signxml==5.2.0 'PyJWT[crypto]==2.15.1' duckdb==2.0.1
  cargo install --locked --root "$out/cargo" jwt-cli --version 6.2.0
}

if [ $install = 1 ] || [ ! -x "$venv/bin/python" ] || [ ! -x "$jwt" ]; then
  install_peers
fi
[ $install = 1 ] && [ $# = 1 ] && exit 0

cd "$root"
if [ -n "${SSOLINT_BIN:-}" ]; then
  ssolint="$SSOLINT_BIN"   # another build, for trying the script; figures need the release build
else
  cargo build --release --quiet
  ssolint="$root/target/release/ssolint"
fi

if [ $small = 1 ]; then
  material="$out/material-small"
  agg_sizes=1000,4000 user_sizes=10000,100000 responses=50 tokens=200
else
  material="$out/material"
  agg_sizes=5000,20000 user_sizes=10000,1000000 responses=200 tokens=1000
fi
stamp="$material/STAMP"
want="$agg_sizes $user_sizes $responses $tokens"
# The responses and tokens are valid for 7 days after generation (python3-saml and PyJWT read
# the system clock), so material older than 6 days is made again.
if [ $regen = 1 ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] \
   || [ -n "$(find "$stamp" -mtime +6)" ]; then
  rm -rf "$material"
  mkdir -p "$material"
  py="$venv/bin/python"
  "$py" bench/gen/saml.py "$material" --count "$responses"
  "$py" bench/gen/oidc.py "$material" --count "$tokens"
  "$py" bench/gen/aggregate.py "$material" --sizes "$agg_sizes"
  "$py" bench/gen/directory.py "$material" --sizes "$user_sizes"
  echo "$want" > "$stamp"
fi

runs=(--runs-fast 30 --runs-slow 5)
[ $quick = 1 ] && runs=(--runs-fast 5 --runs-slow 2)
"$venv/bin/python" bench/harness.py --material "$material" --results "$out/results.json" \
  --ssolint "$ssolint" --jwt "$jwt" "${runs[@]}" "${only[@]}" | tee "$out/report.md"
