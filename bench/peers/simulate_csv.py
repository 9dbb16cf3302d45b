"""Peer: the core simulation rules (SIMULATION.md) as a plain Python csv loop.

Reads the configuration (tomllib) and the directory CSV, decides each user's domain class,
provisioning, usable methods, access, migration prompt and SSO bypass, and prints the counts
as JSON with the time the loop took (interpreter start-up and imports excluded). It covers the
settings the benchmark configuration uses (verified and conflicting domains, external-invite
blocking, SCIM groups, the three authentication modes, API Platform SSO, forced migration;
automatic account creation off) and assumes every cell is known; it writes no per-user output
and no trace. The DuckDB and awk peers implement the same decisions.
"""

import csv
import json
import sys
import time
import tomllib


def load(path):
    with open(path, "rb") as f:
        c = tomllib.load(f)
    ws, prov, auth = c.get("workspace", {}), c.get("provisioning", {}), c.get("authentication", {})
    if prov.get("automatic_account_creation", False):
        sys.exit("simulate_csv.py: automatic account creation is outside what this peer models")
    return {
        "verified": {d.lower() for d in ws.get("verified_domains", [])},
        "elsewhere": {d.lower() for d in ws.get("domains_verified_elsewhere", [])},
        "block_external": ws.get("external_invites", "allowed") == "blocked",
        "scim": prov.get("scim", False),
        "scim_groups": set(prov.get("scim_groups", [])),
        "mode": auth.get("mode", "default"),
        "api_sso": auth.get("api_platform_sso", True),
    }


def simulate(cfg, rows):
    counts = dict.fromkeys(["granted", "pending", "denied", "unknown", "lockout_after_migration",
                            "migration_prompts", "sso_bypass"], 0)
    verified, elsewhere, mode = cfg["verified"], cfg["elsewhere"], cfg["mode"]
    scim, scim_groups, block = cfg["scim"], cfg["scim_groups"], cfg["block_external"]
    sso_on = mode != "default"
    for r in rows:
        email = r["email"].lower()
        domain = email.rpartition("@")[2]
        cls = "verified" if domain in verified else "conflict" if domain in elsewhere else "unverified"
        state = r["workspace_state"]
        in_synced = scim and any(g in scim_groups for g in r["groups"].split(";") if g)
        # Provisioning: who is (or becomes) a member or an invitee under this configuration.
        if cls == "conflict" or state == "removed":
            status = None
        elif state in ("member", "invited"):
            # SCIM-provisioned but in no synced group any more: deprovisioned.
            status = None if (scim and r["invite_source"] == "scim" and not in_synced) else state
        elif in_synced and not (block and cls == "unverified"):
            status = "invited"
        else:
            status = None
        if status is None:
            counts["denied"] += 1
            continue
        # Workspace methods, then what this person can use of them.
        social = {s for s in r["social"].split(";") if s}
        idp_email = r["idp_email"].lower() or email
        sso_ok = r["idp_status"] == "active" and r["idp_assigned"] == "true" and idp_email == email
        if cls == "verified" and mode == "sso_enforced":
            usable_sso, usable_personal = sso_ok, False
        elif cls == "verified" and mode == "sso_enabled":
            usable_sso, usable_personal = sso_ok, bool(social)
        else:
            usable_sso, usable_personal = False, r["has_password"] == "true" or bool(social)
        if not (usable_sso or usable_personal):
            counts["denied"] += 1
            continue
        if sso_on and not cfg["api_sso"] and status != "member":
            counts["denied"] += 1
            continue
        counts["granted" if status == "member" else "pending"] += 1
        if cls == "verified" and r["personal_account"] in ("free", "plus"):
            counts["migration_prompts"] += 1
        if cls == "unverified" and mode == "sso_enforced":
            counts["sso_bypass"] += 1
    return counts


def main():
    users, config = sys.argv[1], sys.argv[2]
    start = time.perf_counter()
    cfg = load(config)
    with open(users, newline="") as f:
        counts = simulate(cfg, csv.DictReader(f))
    elapsed = time.perf_counter() - start
    print(json.dumps({"counts": counts, "seconds": elapsed}))


if __name__ == "__main__":
    main()
