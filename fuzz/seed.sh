#!/bin/sh
# Copy the fixtures into fuzz/corpus/<target>/ as seed corpora (corpus dirs are gitignored).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
fx="$here/../fixtures"
seed() {
    target=$1
    shift
    mkdir -p "$here/corpus/$target"
    for f in "$@"; do
        [ -f "$f" ] && cp "$f" "$here/corpus/$target/$(echo "$f" | sed "s|^$fx/||; s|/|_|g")"
    done
    echo "$target: $(ls "$here/corpus/$target" | wc -l) seeds"
}
seed decode $(find "$fx" -type f ! -name '*.args' ! -name '*.pem' ! -name '*.key')
seed xml_tree $(find "$fx" -type f -name '*.xml')
seed c14n $(find "$fx" -type f -name '*.xml')
seed verify $(find "$fx/dsig/responses" "$fx/saml" -type f -name '*.xml')
seed config_load $(find "$fx" -type f \( -name '*.toml' -o -name '*.yaml' \)) "$fx/lint/broken.json"
seed jwt $(find "$fx" -type f -name '*.jwt')
seed jwks $(find "$fx/oidc" -type f -name '*.json')
seed directory $(find "$fx" -type f \( -name '*.csv' -o -name '*.jsonl' \)) $(find "$fx/sim" -type f -name '*.json')
seed json $(find "$fx" -type f \( -name '*.json' -o -name '*.har' \))
seed x509 $(find "$fx" -type f \( -name '*.pem' -o -name '*.crt' -o -name '*.der' -o -name '*.cer' \))
