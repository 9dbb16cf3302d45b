#!/usr/bin/env python3
"""Write a deterministic N-user directory CSV for `ssolint simulate` benchmarks.

Usage: scripts/gen-directory.py N [OUT.csv] [--seed S]

Standard library only. The same N and seed always give the same file. The mix covers every
cohort of SIMULATION.md: members, invitees, SCIM group members, unprovisioned personal
accounts, unverified and subdomain e-mails, removed users, IdP e-mail mismatches and unknown
(`?`) cells, so every branch of the model is exercised.
"""
import argparse
import random
import sys

HEADER = ("email,groups,workspace_state,invite_source,personal_account,has_password,social,"
          "idp_status,idp_assigned,idp_email,role,new_account")
DOMAINS = [("acme.com", 70), ("eu.acme.com", 10), ("contractor.io", 15), ("partner.example", 5)]
GROUPS = ["ChatGPT Users", "ChatGPT Admins", "Engineering", "Sales", ""]
STATES = [("member", 45), ("invited", 10), ("none", 40), ("removed", 5)]
SOCIAL = ["", "google", "microsoft", "apple", "google;apple"]


def pick(rng, weighted):
    total = sum(w for _, w in weighted)
    r = rng.uniform(0, total)
    for value, w in weighted:
        r -= w
        if r <= 0:
            return value
    return weighted[-1][0]


def row(rng, i):
    domain = pick(rng, DOMAINS)
    email = f"user{i:07d}@{domain}"
    unknown = rng.random() < 0.02
    groups = ";".join(sorted({rng.choice(GROUPS) for _ in range(rng.randint(0, 2))} - {""}))
    state = pick(rng, STATES)
    source = "" if state in ("none",) else rng.choice(["manual", "scim", "scim"])
    personal = pick(rng, [("none", 50), ("free", 35), ("plus", 15)])
    idp_status = pick(rng, [("active", 85), ("disabled", 5), ("absent", 10)])
    idp_email = f"alias{i}@{domain}" if rng.random() < 0.02 else ""
    return ",".join([
        email,
        groups,
        state,
        source,
        personal,
        "?" if unknown else rng.choice(["true", "false"]),
        rng.choice(SOCIAL),
        idp_status,
        rng.choice(["true", "true", "true", "false"]),
        idp_email,
        rng.choice(["member"] * 20 + ["admin", "owner"]),
        rng.choice(["true", "false"]),
    ])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int)
    p.add_argument("out", nargs="?")
    p.add_argument("--seed", type=int, default=4)
    a = p.parse_args()
    rng = random.Random(a.seed)
    out = open(a.out, "w", newline="") if a.out else sys.stdout
    with out:
        out.write(HEADER + "\n")
        for i in range(a.n):
            out.write(row(rng, i) + "\n")


if __name__ == "__main__":
    main()
