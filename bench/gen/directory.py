"""A directory CSV (CONFIG.md's columns) and the workspace configurations simulated over it.

Writes into OUT/directory/: users-N.csv for each size, ssolint.toml (SSO enforced with SCIM, the
configuration simulated) and old.toml (the same with SSO only enabled, the other side of the
diff). Every cell is known (no `?`), so the peers need no rules for unknown fields; values hold
no commas or quotes, so a plain field split reads them (awk does).
"""

import argparse
import os
import random

DOMAINS = [("acme.com", 50), ("eu.acme.com", 15), ("sub.acme.com", 5), ("contractor.io", 15),
           ("partner.org", 5), ("gmail.com", 10)]
GROUPS = ["ChatGPT Users", "ChatGPT Admins", "Engineering", "Sales", "All Staff"]
NAMES = ["ana.lovelace", "grace.hopper", "alan.turing", "edsger.dijkstra", "barbara.liskov",
         "donald.knuth", "frances.allen", "ken.thompson", "radia.perlman", "tim.berners-lee"]
HEADER = ("email,groups,workspace_state,invite_source,personal_account,has_password,social,"
          "idp_status,idp_assigned,idp_email,role,new_account")

CONFIG = """[workspace]
name = "Bench"
plan = "enterprise"
verified_domains = ["acme.com", "eu.acme.com"]
domains_verified_elsewhere = ["partner.org"]
external_invites = "blocked"
owners = ["ana.lovelace.0000000@acme.com", "grace.hopper.0000001@acme.com"]
break_glass = ["ana.lovelace.0000000@acme.com"]

[provisioning]
automatic_account_creation = false
scim = true
scim_groups = ["ChatGPT Users", "ChatGPT Admins"]

[authentication]
mode = "{mode}"
protocol = "saml"
api_platform_sso = true
mfa = "idp"
"""


def pick(rng, weighted):
    total = sum(w for _, w in weighted)
    r = rng.uniform(0, total)
    for value, w in weighted:
        r -= w
        if r <= 0:
            return value
    return weighted[-1][0]


def row(rng, n):
    domain = pick(rng, DOMAINS)
    email = f"{NAMES[n % len(NAMES)]}.{n:07d}@{domain}"
    groups = ";".join(g for g in GROUPS if rng.random() < (0.6 if g == "ChatGPT Users" else 0.2))
    state = pick(rng, [("member", 55), ("invited", 10), ("none", 30), ("removed", 5)])
    source = pick(rng, [("scim", 60), ("manual", 40)])
    personal = pick(rng, [("none", 50), ("free", 35), ("plus", 15)])
    password = "true" if rng.random() < 0.6 else "false"
    social = ";".join(s for s in ("google", "microsoft", "apple") if rng.random() < 0.2)
    idp_status = pick(rng, [("active", 85), ("disabled", 5), ("absent", 10)])
    assigned = "true" if rng.random() < 0.85 else "false"
    idp_email = f"{NAMES[n % len(NAMES)][0]}{n:07d}@{domain}" if rng.random() < 0.03 else ""
    role = pick(rng, [("member", 97), ("admin", 2.9), ("owner", 0.1)])
    new = "true" if rng.random() < 0.2 else "false"
    return f"{email},{groups},{state},{source},{personal},{password},{social},{idp_status},{assigned},{idp_email},{role},{new}\n"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--sizes", default="10000,1000000")
    a = p.parse_args()
    d = os.path.join(a.out, "directory")
    os.makedirs(d, exist_ok=True)
    for size in sorted(int(s) for s in a.sizes.split(",")):
        rng = random.Random(size)
        path = os.path.join(d, f"users-{size}.csv")
        with open(path, "w") as f:
            f.write(HEADER + "\n")
            f.writelines(row(rng, n) for n in range(size))
        print(f"directory: {size} users, {os.path.getsize(path) / 1e6:.1f} MB in {path}")
    with open(os.path.join(d, "ssolint.toml"), "w") as f:
        f.write(CONFIG.replace("{mode}", "sso_enforced"))
    with open(os.path.join(d, "old.toml"), "w") as f:
        f.write(CONFIG.replace("{mode}", "sso_enabled"))


if __name__ == "__main__":
    main()
