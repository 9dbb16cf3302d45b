# Peer: the simulate_csv.py decisions as an awk one-pass over the directory CSV.
# Configuration comes in as variables (bench/harness.py reads ssolint.toml and passes them):
#   verified, elsewhere, scim_groups: ";"-separated lists; scim, block, api_sso: 1|0;
#   mode: default|sso_enabled|sso_enforced.
# Columns: email,groups,workspace_state,invite_source,personal_account,has_password,social,
#          idp_status,idp_assigned,idp_email,role,new_account (no quoting, every cell known).
BEGIN {
    FS = ","
    n = split(verified, a, ";"); for (i = 1; i <= n; i++) is_verified[a[i]] = 1
    n = split(elsewhere, a, ";"); for (i = 1; i <= n; i++) is_elsewhere[a[i]] = 1
    n = split(scim_groups, a, ";"); for (i = 1; i <= n; i++) is_synced[a[i]] = 1
}
NR == 1 { next }
{
    email = tolower($1)
    domain = substr(email, index(email, "@") + 1)
    cls = (domain in is_verified) ? "verified" : (domain in is_elsewhere) ? "conflict" : "unverified"
    state = $3
    in_synced = 0
    if (scim) {
        n = split($2, g, ";")
        for (i = 1; i <= n; i++) if (g[i] in is_synced) { in_synced = 1; break }
    }
    status = ""
    if (cls == "conflict" || state == "removed") status = ""
    else if (state == "member" || state == "invited") status = (scim && $4 == "scim" && !in_synced) ? "" : state
    else if (in_synced && !(block && cls == "unverified")) status = "invited"
    if (status == "") { denied++; next }
    has_social = ($7 != "")
    idp_email = ($10 == "") ? email : tolower($10)
    sso_ok = ($8 == "active" && $9 == "true" && idp_email == email)
    if (cls == "verified" && mode == "sso_enforced") can = sso_ok
    else if (cls == "verified" && mode == "sso_enabled") can = sso_ok || has_social
    else can = ($6 == "true") || has_social
    if (!can) { denied++; next }
    if (mode != "default" && !api_sso && status != "member") { denied++; next }
    if (status == "member") granted++; else pending++
    if (cls == "verified" && ($5 == "free" || $5 == "plus")) prompts++
    if (cls == "unverified" && mode == "sso_enforced") bypass++
}
END {
    printf "{\"counts\": {\"granted\": %d, \"pending\": %d, \"denied\": %d, \"unknown\": 0, \"lockout_after_migration\": 0, \"migration_prompts\": %d, \"sso_bypass\": %d}}\n", granted, pending, denied, prompts, bypass
}
