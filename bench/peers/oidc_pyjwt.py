"""Peer: PyJWT doing the ID token checks ssolint does (OIDC Core 3.1.3.7 where PyJWT can).

Per token: read the header, pick the key by `kid` from the JWKS (parsed once), verify the RS256
signature with `RS256` as the only allowed algorithm, and check exp, nbf and iat (required, with
180 s leeway), iss, aud and the nonce. It does not check azp, crit, at_hash, the e-mail claims
or header key injection (jku/x5u/jwk/x5c). Its clock is the system clock.

  oidc_pyjwt.py verdict META JWKS FILE...   one line per file: valid | invalid (+ reason)
  oidc_pyjwt.py one META JWKS FILE          seconds per token
  oidc_pyjwt.py batch META JWKS FILE        seconds for every line (token) of FILE
"""

import json
import sys

import jwt

from timing import per_call, report, whole


def checker(meta_path, jwks_path):
    with open(meta_path) as f:
        meta = json.load(f)
    with open(jwks_path) as f:
        keys = {k.key_id: k for k in jwt.PyJWKSet.from_json(f.read()).keys}

    def check(token):
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            if kid not in keys:
                return "invalid kid"
            claims = jwt.decode(token, keys[kid].key, algorithms=["RS256"], audience=meta["audience"],
                                issuer=meta["issuer"], leeway=180,
                                options={"require": ["exp", "nbf", "iat", "iss", "aud", "sub"]})
            if claims.get("nonce") != meta["nonce"]:
                return "invalid nonce"
            return "valid"
        except jwt.PyJWTError as e:
            return f"invalid {type(e).__name__}"

    return check


def main():
    mode, meta, jwks, path = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    check = checker(meta, jwks)
    if mode == "verdict":
        for p in path:
            with open(p) as f:
                print(check(f.read().strip()))
    elif mode == "one":
        with open(path[0]) as f:
            token = f.read().strip()
        assert check(token) == "valid"
        report(per_call(lambda: check(token)))
    elif mode == "batch":
        with open(path[0]) as f:
            tokens = [line.strip() for line in f if line.strip()]

        def batch():
            for t in tokens:
                if check(t) != "valid":
                    raise SystemExit(f"token rejected: {check(t)}")

        report(whole(batch), count=len(tokens))


if __name__ == "__main__":
    main()
