#!/usr/bin/env bash
# Run the whole test suite, installing what the tests need when it is missing:
# the xmlsec1 program (independent signing/verification oracle), xmllint (c14n oracle) and
# strace (the no-network, no-write proof); perl and make build the linked-in OpenSSL.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v xmlsec1 >/dev/null 2>&1 || need+=(xmlsec1)
command -v xmllint >/dev/null 2>&1 || need+=(libxml2-utils)
command -v strace >/dev/null 2>&1 || need+=(strace)
command -v make >/dev/null 2>&1 || need+=(make)
perl -MIPC::Cmd -e1 >/dev/null 2>&1 || need+=(perl)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

./scripts/install-test-deps.sh

cargo test --all-targets --locked "$@"
