"""RS256 ID tokens and their JWKS for the benchmarks.

Writes into OUT/oidc/: signer.key / signer.pub.pem (PEM), jwks.json (the signing key and a second,
unrelated key), token.jwt (one token), tampered.jwt (its payload changed after signing),
tokens.txt (COUNT tokens, one per line), the same tokens one per file in batch/NNNN.jwt, and
meta.json.
"""

import argparse
import base64
import datetime as dt
import json
import os

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from common import OIDC_CLIENT_ID, OIDC_ISSUER, OIDC_NONCE, iso, now_utc


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def uint_b64u(n):
    return b64u(n.to_bytes((n.bit_length() + 7) // 8, "big"))


def jwk(public, kid):
    nums = public.public_numbers()
    return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
            "n": uint_b64u(nums.n), "e": uint_b64u(nums.e)}


def sign(key, kid, claims):
    header = b64u(json.dumps({"alg": "RS256", "typ": "JWT", "kid": kid}, separators=(",", ":")).encode())
    payload = b64u(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = f"{header}.{payload}".encode()
    sig = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return f"{header}.{payload}.{b64u(sig)}"


def claims(n, t):
    now = int(t.timestamp())
    return {"iss": OIDC_ISSUER, "sub": f"00u{n:08d}abcdef", "aud": OIDC_CLIENT_ID,
            "exp": now + 7 * 86400, "nbf": now - 60, "iat": now, "nonce": OIDC_NONCE,
            "auth_time": now, "email": f"user{n:05d}@acme.com", "email_verified": True,
            "name": f"Ana Lovelace {n}", "groups": ["ChatGPT Users", "Engineering"]}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--count", type=int, default=1000)
    a = p.parse_args()
    d = os.path.join(a.out, "oidc")
    os.makedirs(d, exist_ok=True)
    t = now_utc()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = "bench-rs256-1"
    with open(os.path.join(d, "signer.key"), "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    with open(os.path.join(d, "signer.pub.pem"), "wb") as f:
        f.write(key.public_key().public_bytes(serialization.Encoding.PEM,
                                              serialization.PublicFormat.SubjectPublicKeyInfo))
    with open(os.path.join(d, "jwks.json"), "w") as f:
        json.dump({"keys": [jwk(key.public_key(), kid), jwk(other.public_key(), "bench-rs256-0")]}, f, indent=1)
    one = sign(key, kid, claims(0, t))
    with open(os.path.join(d, "token.jwt"), "w") as f:
        f.write(one + "\n")
    header, payload, sig = one.split(".")
    changed = dict(claims(0, t), email="admin@acme.com")
    tampered = f"{header}.{b64u(json.dumps(changed, separators=(',', ':')).encode())}.{sig}"
    with open(os.path.join(d, "tampered.jwt"), "w") as f:
        f.write(tampered + "\n")
    os.makedirs(os.path.join(d, "batch"), exist_ok=True)
    with open(os.path.join(d, "tokens.txt"), "w") as f:
        for n in range(1, a.count + 1):
            token = sign(key, kid, claims(n, t))
            f.write(token + "\n")
            with open(os.path.join(d, "batch", f"{n:04d}.jwt"), "w") as one_file:
                one_file.write(token + "\n")
    with open(os.path.join(d, "meta.json"), "w") as f:
        json.dump({"generated": iso(t), "check_at": iso(t + dt.timedelta(minutes=1)),
                   "count": a.count, "issuer": OIDC_ISSUER, "audience": OIDC_CLIENT_ID,
                   "nonce": OIDC_NONCE, "kid": kid}, f)
    print(f"oidc: {a.count} tokens of {len(one)} bytes in {d}")


if __name__ == "__main__":
    main()
