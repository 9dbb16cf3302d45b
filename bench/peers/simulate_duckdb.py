"""Peer: the simulate_csv.py decisions as one DuckDB SQL query over the same CSV (2 threads).

Prints the counts as JSON with the time the query took (connection, CSV scan and aggregation
included; interpreter start-up and imports excluded).
"""

import json
import sys
import time

import duckdb

from simulate_csv import load

QUERY = """
WITH u AS (
  SELECT lower(email) AS email, split_part(lower(email), '@', 2) AS domain, groups,
         workspace_state AS state, invite_source, personal_account, has_password = 'true' AS has_password,
         coalesce(social, '') <> '' AS has_social, idp_status, idp_assigned = 'true' AS idp_assigned,
         coalesce(nullif(lower(idp_email), ''), lower(email)) AS idp_email
  FROM read_csv($users, header = true, all_varchar = true, quote = '', escape = '')
), c AS (
  SELECT *,
    CASE WHEN list_contains($verified, domain) THEN 'verified'
         WHEN list_contains($elsewhere, domain) THEN 'conflict' ELSE 'unverified' END AS cls,
    $scim AND len(list_intersect(string_split(coalesce(groups, ''), ';'), $scim_groups)) > 0 AS in_synced,
    idp_status = 'active' AND idp_assigned AND idp_email = email AS sso_ok
  FROM u
), p AS (
  SELECT *,
    CASE WHEN cls = 'conflict' OR state = 'removed' THEN NULL
         WHEN state IN ('member', 'invited') THEN
           CASE WHEN $scim AND invite_source = 'scim' AND NOT in_synced THEN NULL ELSE state END
         WHEN in_synced AND NOT ($block AND cls = 'unverified') THEN 'invited'
         ELSE NULL END AS status
  FROM c
), m AS (
  SELECT *,
    CASE WHEN cls = 'verified' AND $mode = 'sso_enforced' THEN sso_ok
         WHEN cls = 'verified' AND $mode = 'sso_enabled' THEN sso_ok OR has_social
         ELSE has_password OR has_social END AS can_login
  FROM p
), o AS (
  SELECT *,
    CASE WHEN status IS NULL OR NOT can_login THEN 'denied'
         WHEN $mode <> 'default' AND NOT $api_sso AND status <> 'member' THEN 'denied'
         WHEN status = 'member' THEN 'granted' ELSE 'pending' END AS access
  FROM m
)
SELECT count(*) FILTER (access = 'granted'), count(*) FILTER (access = 'pending'),
       count(*) FILTER (access = 'denied'),
       count(*) FILTER (access <> 'denied' AND cls = 'verified' AND personal_account IN ('free', 'plus')),
       count(*) FILTER (access <> 'denied' AND cls = 'unverified' AND $mode = 'sso_enforced')
FROM o
"""


def main():
    users, config = sys.argv[1], sys.argv[2]
    start = time.perf_counter()
    cfg = load(config)
    con = duckdb.connect(config={"threads": 2})
    row = con.execute(QUERY, {
        "users": users, "verified": sorted(cfg["verified"]), "elsewhere": sorted(cfg["elsewhere"]),
        "scim": cfg["scim"], "scim_groups": sorted(cfg["scim_groups"]), "block": cfg["block_external"],
        "mode": cfg["mode"], "api_sso": cfg["api_sso"],
    }).fetchone()
    elapsed = time.perf_counter() - start
    granted, pending, denied, prompts, bypass = row
    counts = {"granted": granted, "pending": pending, "denied": denied, "unknown": 0,
              "lockout_after_migration": 0, "migration_prompts": prompts, "sso_bypass": bypass}
    print(json.dumps({"counts": counts, "seconds": elapsed}))


if __name__ == "__main__":
    main()
