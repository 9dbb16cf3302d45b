"""The side-by-side comparison: verdicts first, then one table of ratios, all from one run.

Run by bench/compare.sh with the benchmark venv's Python. Every figure in the table is measured
in this run; a row whose ssolint side is missing says so instead of showing a number.
"""

import argparse
import datetime as dt
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.path.join(ROOT, "bench", "peers")
sys.path.insert(0, os.path.join(ROOT, "bench", "gen"))
from common import ACS_URL, IDP_ENTITY_ID, SP_ENTITY_ID  # noqa: E402

ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion:Assertion"
ENTITIES = "urn:oasis:names:tc:SAML:2.0:metadata:EntitiesDescriptor"
TOKEN_LINES = "tokens.txt (one token per line)"
SIM_KEYS = ["granted", "pending", "denied", "unknown", "lockout_after_migration",
            "migration_prompts", "sso_bypass"]
SIGNATURE_RULES = {"saml.signature-invalid", "saml.digest-mismatch", "oidc.signature-invalid",
                   "metadata.signature-invalid", "metadata.unsigned"}


class Unavailable(Exception):
    """The ssolint side of a row cannot be measured: `what` is missing, `why` says how it failed."""

    def __init__(self, what, why=""):
        super().__init__(what, why)
        self.what, self.why = what, why

    def __str__(self):
        return f"{self.what} ({self.why})" if self.why else self.what


# ---------------------------------------------------------------- running things

def run(cmd, stdin=None, timeout=900):
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as f:
        return subprocess.run(cmd, stdin=f, capture_output=True, timeout=timeout)


def hyperfine(named, runs, warmup, stdin=None):
    """Median wall seconds per command (hyperfine, no intermediate shell unless stdin is fed)."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        export = tmp.name
    cmd = ["hyperfine", "--style", "none", "--runs", str(runs), "--warmup", str(warmup),
           "--export-json", export]
    names = list(named)
    for name in names:
        argv = named[name]
        if stdin:
            cmd += ["--command-name", name, shlex.join(argv) + " < " + shlex.quote(stdin)]
        else:
            cmd += ["--command-name", name, shlex.join(argv)]
    if not stdin:
        cmd.insert(1, "--shell=none")
    # hyperfine fails on a non-zero exit unless told; exit 1 (findings) is a normal answer here.
    cmd.insert(1, "--ignore-failure")
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"hyperfine failed: {r.stderr.strip()}")
    with open(export) as f:
        results = json.load(f)["results"]
    os.unlink(export)
    return {name: res["median"] for name, res in zip(names, results)}


def peak_rss(argv, stdin=None):
    """Peak resident set size in bytes of one run (/usr/bin/time -v)."""
    r = run(["/usr/bin/time", "-v"] + argv, stdin=stdin)
    m = re.search(rb"Maximum resident set size \(kbytes\): (\d+)", r.stderr)
    if not m:
        raise RuntimeError(f"no RSS from /usr/bin/time for {argv[0]}")
    return int(m.group(1)) * 1024


def peer(script, *args, cwd=PEERS):
    """Run a Python peer; its last output line is JSON with `seconds` and its answer."""
    r = subprocess.run([sys.executable, os.path.join(PEERS, script), *map(str, args)],
                       capture_output=True, text=True, cwd=cwd, timeout=1800)
    if r.returncode != 0:
        raise RuntimeError(f"{script} failed: {r.stderr.strip() or r.stdout.strip()}")
    return r.stdout.strip().splitlines()


def peer_json(script, *args):
    return json.loads(peer(script, *args)[-1])


def median_of(runs, fn):
    return statistics.median(fn() for _ in range(runs))


# ---------------------------------------------------------------- ssolint's answers

def reports(stdout):
    """The JSON reports ssolint printed: one object, an array, or one object per line."""
    text = stdout.decode("utf-8", "replace").strip()
    if not text:
        return []
    try:
        value = json.loads(text)
        return value if isinstance(value, list) else [value]
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def first_line(data):
    text = data.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else "no message"


def ssolint_answer(cmd_name, r):
    """Raise Unavailable unless ssolint ran the command (exit 0 or 1)."""
    if r.returncode not in (0, 1):
        why = first_line(r.stderr)
        raise Unavailable(f"ssolint {cmd_name} not available",
                          why if len(why) <= 140 else why[:137] + "...")


def error_rules(report):
    return {f.get("rule") for f in report.get("findings", [])
            if f.get("severity") == "error" and not f.get("suppressed")}


# ---------------------------------------------------------------- the comparison

class Comparison:
    def __init__(self, a):
        self.a = a
        self.m = os.path.abspath(a.material)
        self.ssolint = a.ssolint
        self.jwt = a.jwt
        self.rows = []
        self.verdicts = []
        self.disagree = set()
        self.missing = {}
        with open(os.path.join(self.m, "saml", "meta.json")) as f:
            self.saml_meta = json.load(f)
        with open(os.path.join(self.m, "oidc", "meta.json")) as f:
            self.oidc_meta = json.load(f)
        with open(os.path.join(self.m, "aggregate", "expected.json")) as f:
            self.agg_meta = json.load(f)
        self.sizes = self.agg_meta["sizes"]
        d = os.path.join(self.m, "directory")
        self.users = sorted((int(n[6:-4]), os.path.join(d, n)) for n in os.listdir(d)
                            if n.startswith("users-") and n.endswith(".csv"))

    def path(self, *parts):
        return os.path.join(self.m, *parts)

    # --- command lines

    def saml_check(self, kind, *inputs, fmt="json"):
        return [self.ssolint, "check", "--format", fmt, "--now", self.saml_meta["check_at"],
                "--idp-metadata", self.path("saml", f"idp-metadata-{kind}.xml"),
                "--sp-entity-id", SP_ENTITY_ID, "--acs-url", ACS_URL, *inputs]

    def oidc_check(self, *inputs, fmt="json"):
        o = self.oidc_meta
        return [self.ssolint, "check", "--format", fmt, "--now", o["check_at"],
                "--jwks", self.path("oidc", "jwks.json"), "--issuer", o["issuer"],
                "--audience", o["audience"], "--nonce", o["nonce"], *inputs]

    def xmlsec1(self, cert, id_attr, file):
        return ["xmlsec1", "--verify", "--enabled-key-data", "rsa,ec", "--pubkey-cert-pem", cert,
                "--id-attr:ID", id_attr, file]

    def lint(self, file):
        return [self.ssolint, "lint", "--format", "json", "--now", self.agg_meta["check_at"],
                "--metadata", file, "--metadata-signer", self.path("aggregate", "signer.crt")]

    def simulate(self, users, fmt="json"):
        d = self.path("directory")
        return [self.ssolint, "simulate", "--format", fmt, "--users", users,
                "--config", os.path.join(d, "ssolint.toml")]

    def diff(self, users):
        d = self.path("directory")
        return [self.ssolint, "diff", os.path.join(d, "old.toml"), os.path.join(d, "ssolint.toml"),
                "--users", users, "--format", "json"]

    def awk(self, users):
        with open(self.path("directory", "ssolint.toml"), "rb") as f:
            c = tomllib.load(f)
        ws, prov, auth = c["workspace"], c["provisioning"], c["authentication"]
        var = {"verified": ";".join(ws.get("verified_domains", [])),
               "elsewhere": ";".join(ws.get("domains_verified_elsewhere", [])),
               "scim_groups": ";".join(prov.get("scim_groups", [])),
               "scim": int(prov.get("scim", False)),
               "block": int(ws.get("external_invites", "allowed") == "blocked"),
               "api_sso": int(auth.get("api_platform_sso", True)),
               "mode": auth.get("mode", "default")}
        argv = ["awk"]
        for k, v in var.items():
            argv += ["-v", f"{k}={v}"]
        return argv + ["-f", os.path.join(PEERS, "simulate.awk"), users]

    # --- verdicts

    def verdict(self, material, expected, tool, got, detail=""):
        ok = got == expected
        self.verdicts.append((material, expected, tool, got, "yes" if ok else "NO", detail))
        if not ok:
            self.disagree.add((tool, material))
        return ok

    def ssolint_verdict(self, key, material, expected, argv, judge):
        """Record ssolint's verdict, or note why the command is not available."""
        try:
            r = run(argv)
            ssolint_answer(key, r)
            got, detail = judge(r)
        except Unavailable as e:
            self.missing[key] = e
            self.verdicts.append((material, expected, "ssolint", "—", "n/a", str(e)))
            return
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            got, detail = "unreadable output", str(e)
        self.verdict(material, expected, "ssolint", got, detail)

    @staticmethod
    def judge_check(r):
        rs = reports(r.stdout)
        rules = set().union(*(error_rules(x) for x in rs)) if rs else set()
        if r.returncode == 0 and rs and all(x.get("verdict") in ("pass", "warn") for x in rs):
            return "valid", f"{len(rs)} report(s)"
        sig = sorted(rules & SIGNATURE_RULES)
        return ("invalid" if sig else "invalid (other)"), ", ".join(sorted(rules)) or f"exit {r.returncode}"

    def check_verdicts(self):
        s = lambda *p: self.path("saml", *p)
        for kind in ("rsa", "ec"):
            self.ssolint_verdict("check (SAML)", f"response-{kind}.xml", "valid",
                                 self.saml_check(kind, s(f"response-{kind}.xml")), self.judge_check)
        self.ssolint_verdict("check (SAML)", "tampered-rsa.xml", "invalid",
                             self.saml_check("rsa", s("tampered-rsa.xml")), self.judge_check)
        batch = sorted(os.listdir(s("batch")))
        self.ssolint_verdict("check (SAML batch)", f"batch/ ({len(batch)} files)", "valid",
                             self.saml_check("rsa", *[s("batch", n) for n in batch], fmt="jsonl"),
                             self.judge_check)
        for name, kind, expected in (("response-rsa.xml", "rsa", "valid"), ("response-ec.xml", "ec", "valid"),
                                     ("tampered-rsa.xml", "rsa", "invalid")):
            cert = s(f"idp-{kind}.crt")
            r = run(self.xmlsec1(cert, ASSERTION, s(name)))
            self.verdict(name, expected, "xmlsec1 --verify", "valid" if r.returncode == 0 else "invalid")
            got = peer("saml_xmlsec.py", "verdict", cert, s(name))[0]
            self.verdict(name, expected, "python xmlsec", got)
            got = peer("saml_signxml.py", "verdict", cert, s(name))[0]
            self.verdict(name, expected, "signxml", got)
        for name, expected in (("response-rsa.xml", "valid"), ("tampered-rsa.xml", "invalid")):
            got = peer("saml_python3saml.py", "verdict", s("idp-rsa.crt"), s(name))[0]
            self.verdict(name, expected, "python3-saml", got.split(" ")[0], got[8:])
        # The batch: every peer must accept every response (the timing loops also stop on a refusal).
        got = peer("saml_python3saml.py", "verdict", s("idp-rsa.crt"), *[s("batch", n) for n in batch])
        self.verdict(f"batch/ ({len(batch)} files)", "valid", "python3-saml",
                     "valid" if all(g == "valid" for g in got) else "invalid")
        got = peer("saml_xmlsec.py", "verdict", s("idp-rsa.crt"), *[s("batch", n) for n in batch])
        self.verdict(f"batch/ ({len(batch)} files)", "valid", "python xmlsec",
                     "valid" if all(g == "valid" for g in got) else "invalid")

    def oidc_verdicts(self):
        o = lambda *p: self.path("oidc", *p)
        for name, expected in (("token.jwt", "valid"), ("tampered.jwt", "invalid")):
            self.ssolint_verdict("check (OIDC)", name, expected, self.oidc_check(o(name)), self.judge_check)
            got = peer("oidc_pyjwt.py", "verdict", o("meta.json"), o("jwks.json"), o(name))[0]
            self.verdict(name, expected, "PyJWT", got.split(" ")[0], got[8:])
            with open(o(name)) as f:
                token = f.read().strip()
            r = run([self.jwt, "decode", "-A", "RS256", "-S", "@" + o("jwks.json"), "-j", token])
            self.verdict(name, expected, "jwt-cli", "valid" if r.returncode == 0 else "invalid")
        batch = sorted(os.listdir(o("batch")))
        self.ssolint_verdict("check (OIDC batch)", f"oidc batch/ ({len(batch)} files)", "valid",
                             self.oidc_check(*[o("batch", n) for n in batch], fmt="jsonl"),
                             self.judge_check)
        got = peer("oidc_pyjwt.py", "verdict", o("meta.json"), o("jwks.json"), *[o("batch", n) for n in batch])
        self.verdict(f"oidc batch/ ({len(batch)} files)", "valid", "PyJWT",
                     "valid" if all(g == "valid" for g in got) else "invalid")
        # The same tokens one per line, the input PyJWT's batch reads.
        self.ssolint_verdict("check (OIDC batch)", TOKEN_LINES, "valid",
                             self.oidc_check(o("tokens.txt"), fmt="jsonl"), self.judge_check)

    def lint_verdicts(self):
        small = self.sizes[0]
        signer = self.path("aggregate", "signer.crt")
        exp = self.agg_meta
        planted = {"metadata.cert-expired": exp["cert_expired_entities"],
                   "metadata.insecure-endpoint": exp["insecure_endpoint_entities"],
                   "metadata.duplicate-entity-id": exp["duplicate_entity_ids"]}
        for name, expected in ((f"agg-{small}.xml", "valid"), (f"tampered-{small}.xml", "invalid")):
            file = self.path("aggregate", name)
            r = run(self.xmlsec1(signer, ENTITIES, file))
            self.verdict(name, expected, "xmlsec1 --verify", "valid" if r.returncode == 0 else "invalid")
            counts = peer_json("lint_aggregate.py", file, signer, exp["check_at"])["counts"]
            self.verdict(name, expected, "python lxml lint", "valid" if counts["signature_valid"] else "invalid")
            if expected == "valid":
                found = {"metadata.cert-expired": counts["cert_expired"],
                         "metadata.insecure-endpoint": counts["insecure_endpoint"],
                         "metadata.duplicate-entity-id": counts["duplicate_entity_id"]}
                self.verdict(f"{name} planted defects", json.dumps(planted), "python lxml lint",
                             json.dumps(found))

            def judge(r, expected=expected):
                rs = reports(r.stdout)
                findings = [f for x in rs for f in x.get("findings", []) if not f.get("suppressed")]
                rules = {f.get("rule") for f in findings}
                sig = "invalid" if rules & SIGNATURE_RULES else "valid"
                if expected == "valid":
                    # Entities per rule: every message names its entity (member NNNNN).
                    seen = {k: len({m.group(1) for f in findings if f.get("rule") == k
                                    for m in [re.search(r"member(\d{5})", f.get("message", ""))] if m})
                            for k in planted}
                    per_rule = {k: sum(f.get("rule") == k for f in findings) for k in planted}
                    self.verdict(f"{name} planted defects", json.dumps(planted), "ssolint",
                                 json.dumps(seen), "findings per rule: " + json.dumps(per_rule))
                return sig, ", ".join(sorted(rules & SIGNATURE_RULES))

            self.ssolint_verdict("lint --metadata", name, expected, self.lint(file), judge)

    def sim_verdicts(self):
        n, users = self.users[0]
        config = self.path("directory", "ssolint.toml")
        reference = peer_json("simulate_csv.py", users, config)["counts"]
        want = json.dumps({k: reference[k] for k in SIM_KEYS})
        label = f"users-{n}.csv counts"
        self.verdict(label, want, "python csv loop", want)
        duck = peer_json("simulate_duckdb.py", users, config)["counts"]
        self.verdict(label, want, "DuckDB", json.dumps({k: duck[k] for k in SIM_KEYS}))
        r = run(self.awk(users))
        awk = json.loads(r.stdout)["counts"]
        self.verdict(label, want, "awk", json.dumps({k: awk[k] for k in SIM_KEYS}))

        def judge(r):
            counts = reports(r.stdout)[0]["counts"]
            return json.dumps({k: counts.get(k) for k in SIM_KEYS}), ""

        self.ssolint_verdict("simulate", label, want, self.simulate(users), judge)
        try:
            r = run(self.diff(users))
            ssolint_answer("diff", r)
            self.verdicts.append((f"users-{n}.csv diff", "runs", "ssolint", f"exit {r.returncode}",
                                  "yes", f"{len(reports(r.stdout)[0].get('users', []))} users changed"))
        except Unavailable as e:
            self.missing["diff"] = e
            self.verdicts.append((f"users-{n}.csv diff", "runs", "ssolint", "—", "n/a", str(e)))
        except (json.JSONDecodeError, KeyError, IndexError) as e:
            self.verdicts.append((f"users-{n}.csv diff", "runs", "ssolint", "unreadable output", "NO", str(e)))
            self.disagree.add(("ssolint", f"users-{n}.csv diff"))

    # --- rows

    def row(self, task, ssolint_s, peer_name, peer_s, target, test, unit="time", needs=(), note=""):
        """One table row; `test(ratio)` decides `met?`; ratio = peer / ssolint."""
        if isinstance(ssolint_s, Unavailable):
            note = "; ".join(x for x in (note, ssolint_s.why) if x)
            self.rows.append([task, ssolint_s.what, peer_name, fmt(peer_s, unit), "—", target, "n/a", note])
            return
        ratio = peer_s / ssolint_s
        bad = [m for m in needs if m in self.disagree]
        if bad:
            met = "disagree"
        elif test is None:
            met = "—"
        else:
            met = "yes" if test(ratio) else "no"
        self.rows.append([task, fmt(ssolint_s, unit), peer_name, fmt(peer_s, unit), f"{ratio:.2f}",
                          target, met, note])

    def ssolint_measure(self, key, fn):
        if key in self.missing:
            return self.missing[key]
        try:
            return fn()
        except Unavailable as e:
            return e

    def cargo_bench(self, name):
        """ns per case from `cargo bench --bench NAME` (empty when that bench does not exist)."""
        if not os.path.exists(os.path.join(ROOT, "benches", f"{name}.rs")):
            return {}
        env = dict(os.environ, SSOLINT_BENCH_MATERIAL=self.m)
        r = subprocess.run(["cargo", "bench", "--quiet", "--bench", name], cwd=ROOT, env=env,
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"cargo bench --bench {name} failed: {r.stderr.strip()[-2000:]}")
        out = {}
        for line in r.stdout.splitlines():
            m = re.match(r"bench: (\S+) ([0-9.]+)$", line)
            if m:
                out[m.group(1)] = float(m.group(2)) * 1e-9
        return out

    def in_process_rows(self):
        base = self.cargo_bench("baseline")
        saml = self.cargo_bench("saml")
        oidc = self.cargo_bench("oidc")
        sim = self.cargo_bench("simulate")
        s = lambda *p: self.path("saml", *p)

        def case(table, key, what):
            return table[key] if key in table else Unavailable(f"ssolint {what} not available")

        rsa = case(saml, "response-rsa2048", "in-process SAML verification")
        ec = case(saml, "response-p256", "in-process SAML verification")
        needs = [("ssolint", "response-rsa.xml")]
        task = "7 KB response, RSA-2048, in process"
        self.row(task, rsa, "one RSA-2048 verify (openssl)", base["rsa2048-sha256-verify"],
                 "within 6x (≥0.17)", lambda r: r >= 1 / 6, needs=needs)
        xs = peer_json("saml_xmlsec.py", "one", s("idp-rsa.crt"), s("response-rsa.xml"))["seconds"]
        self.row(task, rsa, "libxmlsec1 (python xmlsec)", xs, "≥3.5", lambda r: r >= 3.5,
                 needs=needs + [("python xmlsec", "response-rsa.xml")])
        sx = peer_json("saml_signxml.py", "one", s("idp-rsa.crt"), s("response-rsa.xml"))["seconds"]
        self.row(task, rsa, "signxml", sx, "≥10", lambda r: r >= 10,
                 needs=needs + [("signxml", "response-rsa.xml")])
        full = case(saml, "response-rsa2048-full-check", "in-process SAML check")
        self.row("7 KB response, RSA-2048, every check of `check`, in process", full,
                 "one RSA-2048 verify (openssl)", base["rsa2048-sha256-verify"], "— (informative)", None,
                 needs=needs)
        self.row("7 KB response, ECDSA P-256, in process", ec, "one ECDSA P-256 verify (openssl)",
                 base["ecdsa-p256-sha256-verify"], "within 2.5x (≥0.40)", lambda r: r >= 0.4,
                 needs=[("ssolint", "response-ec.xml")])
        tok = case(oidc, "id-token-rs256", "in-process ID token check")
        self.row("ID token RS256, all claim checks, in process", tok, "one RSA-2048 verify (openssl)",
                 base["rsa2048-sha256-verify"], "within 2.5x (≥0.40)", lambda r: r >= 0.4,
                 needs=[("ssolint", "token.jwt")])
        sim10k = case(sim, "simulate-10000-users", "in-process simulate")
        self.row("simulate 10 000 users in memory (no output)", sim10k, "limit: 10 ms", 0.010,
                 "— (the target is for the whole process, below)", None)

    def process_rows(self):
        a = self.a
        s = lambda *p: self.path("saml", *p)
        # One response per process.
        def one_response():
            t = hyperfine({"ssolint": self.saml_check("rsa", s("response-rsa.xml"))}, a.runs_fast, 3)
            return t["ssolint"]
        t_xmlsec1 = hyperfine({"xmlsec1": self.xmlsec1(s("idp-rsa.crt"), ASSERTION, s("response-rsa.xml"))},
                              a.runs_fast, 3)["xmlsec1"]
        self.row("check one response per process (key from metadata)",
                 self.ssolint_measure("check (SAML)", one_response), "xmlsec1 --verify", t_xmlsec1,
                 "≥8", lambda r: r >= 8, needs=[("ssolint", "response-rsa.xml")])
        # 200 responses in one process.
        batch = [s("batch", n) for n in sorted(os.listdir(s("batch")))]

        def many():
            return hyperfine({"ssolint": self.saml_check("rsa", *batch, fmt="jsonl")}, a.runs_fast, 2)["ssolint"]
        t_batch = self.ssolint_measure("check (SAML batch)", many)
        task = f"{len(batch)} responses in one process"
        p3 = median_of(1, lambda: peer_json("saml_python3saml.py", "batch", s("idp-rsa.crt"), s("batch"))["seconds"])
        self.row(task, t_batch, "python3-saml strict is_valid", p3, "≥25", lambda r: r >= 25,
                 needs=[("ssolint", f"batch/ ({len(batch)} files)")])
        xs = peer_json("saml_xmlsec.py", "batch", s("idp-rsa.crt"), s("batch"))["seconds"]
        self.row(task, t_batch, "libxmlsec1 driven from Python", xs, "≥6", lambda r: r >= 6,
                 needs=[("ssolint", f"batch/ ({len(batch)} files)")])
        # ID tokens.
        o = lambda *p: self.path("oidc", *p)
        tokens = [o("batch", n) for n in sorted(os.listdir(o("batch")))]

        # Both read the same file of one token per line (ssolint's start-up included).
        def token_lines():
            return hyperfine({"ssolint": self.oidc_check(o("tokens.txt"), fmt="jsonl")}, a.runs_fast, 2)["ssolint"]
        pyjwt = peer_json("oidc_pyjwt.py", "batch", o("meta.json"), o("jwks.json"), o("tokens.txt"))["seconds"]
        self.row(f"{len(tokens)} ID tokens in one process", self.ssolint_measure("check (OIDC batch)", token_lines),
                 "PyJWT (same claim checks)", pyjwt, "≥9", lambda r: r >= 9,
                 needs=[("ssolint", TOKEN_LINES)])

        def token_files():
            return hyperfine({"ssolint": self.oidc_check(*tokens, fmt="jsonl")}, a.runs_fast, 2)["ssolint"]
        self.row(f"{len(tokens)} ID tokens in one process, one file each",
                 self.ssolint_measure("check (OIDC batch)", token_files), "PyJWT (one file of lines)", pyjwt,
                 "— (informative)", None, needs=[("ssolint", f"oidc batch/ ({len(tokens)} files)")])
        with open(o("token.jwt")) as f:
            token = f.read().strip()
        t_jwt = hyperfine({"jwt": [self.jwt, "decode", "-A", "RS256", "-S", "@" + o("jwks.json"), "-j", token]},
                          a.runs_fast, 3)["jwt"]

        def one_token():
            return hyperfine({"ssolint": self.oidc_check(o("token.jwt"))}, a.runs_fast, 3)["ssolint"]
        self.row("one ID token per process", self.ssolint_measure("check (OIDC)", one_token),
                 "jwt-cli (jwt decode)", t_jwt, "no slower than 1.2x (≥0.83)", lambda r: r >= 1 / 1.2,
                 needs=[("ssolint", "token.jwt")])
        # Informative: what a process costs before any work, for reading the rows above.
        start = hyperfine({"ssolint": [self.ssolint, "--version"], "jwt": [self.jwt, "--version"]},
                          a.runs_fast, 3)
        self.row("process start-up alone (--version)", start["ssolint"], "jwt-cli --version", start["jwt"],
                 "— (informative)", None)

    def aggregate_rows(self):
        a = self.a
        signer = self.path("aggregate", "signer.crt")
        small, big = self.sizes[0], self.sizes[-1]
        big_file = self.path("aggregate", f"agg-{big}.xml")
        small_file = self.path("aggregate", f"agg-{small}.xml")
        size = os.path.getsize(big_file)
        mb = f"{size / 1e6:.0f} MB"
        t_x = hyperfine({"xmlsec1": self.xmlsec1(signer, ENTITIES, big_file)}, a.runs_slow, 1)["xmlsec1"]
        rss_x = peak_rss(self.xmlsec1(signer, ENTITIES, big_file))

        def lint_time(file):
            return lambda: hyperfine({"ssolint": self.lint(file)}, a.runs_slow, 1)["ssolint"]
        t_big = self.ssolint_measure("lint --metadata", lint_time(big_file))
        needs = [("ssolint", f"agg-{small}.xml"), ("ssolint", f"tampered-{small}.xml")]
        self.row(f"verify a {big:,}-entity aggregate ({mb}; ssolint lints too)", t_big,
                 "xmlsec1 --verify", t_x, "≥6", lambda r: r >= 6, needs=needs)
        rss = self.ssolint_measure("lint --metadata", lambda: peak_rss(self.lint(big_file)))
        self.row(f"peak memory, {big:,}-entity aggregate", rss, "1.5x the file size", 1.5 * size,
                 "≤1.5x file (≥1)", lambda r: r >= 1, unit="bytes", needs=needs,
                 note=f"xmlsec1: {fmt(rss_x, 'bytes')}")
        py = statistics.median(
            peer_json("lint_aggregate.py", big_file, signer, self.agg_meta["check_at"])["seconds"]
            for _ in range(max(1, a.runs_slow // 2)))
        self.row(f"lint + verify a {big:,}-entity aggregate", t_big, "Python lxml streaming lint + xmlsec",
                 py, "≥3", lambda r: r >= 3, needs=needs + [("python lxml lint", f"agg-{small}.xml")])
        t_small = self.ssolint_measure("lint --metadata", lint_time(small_file))
        if isinstance(t_small, Unavailable) or isinstance(t_big, Unavailable):
            per_big = t_big if isinstance(t_big, Unavailable) else t_small
            self.row(f"per-entity cost, {big:,} vs {small:,} entities", per_big,
                     f"ssolint per entity at {small:,}", None, "flat ±20% (0.83–1.25)", None)
        else:
            self.row(f"per-entity cost, {big:,} vs {small:,} entities", t_big / big,
                     f"ssolint per entity at {small:,}", t_small / small, "flat ±20% (0.83–1.25)",
                     lambda r: 1 / 1.2 <= r <= 1 / 0.8, needs=needs)

    def sim_rows(self):
        a = self.a
        small_n, small = self.users[0]
        big_n, big = self.users[-1]
        config = self.path("directory", "ssolint.toml")
        label = f"users-{small_n}.csv counts"
        t_sim = self.ssolint_measure(
            "simulate", lambda: hyperfine({"ssolint": self.simulate(big)}, a.runs_slow, 1)["ssolint"])
        needs = [("ssolint", label)]
        task = f"simulate {big_n:,} users"
        duck = statistics.median(peer_json("simulate_duckdb.py", big, config)["seconds"]
                                 for _ in range(a.runs_slow))
        self.row(task, t_sim, "DuckDB SQL, 2 threads", duck, "≥2.3", lambda r: r >= 2.3,
                 needs=needs + [("DuckDB", label)])
        t_awk = hyperfine({"awk": self.awk(big)}, a.runs_slow, 1)["awk"]
        self.row(task, t_sim, "awk one pass (mawk)", t_awk, "≥4", lambda r: r >= 4,
                 needs=needs + [("awk", label)])
        py = statistics.median(peer_json("simulate_csv.py", big, config)["seconds"]
                               for _ in range(max(1, a.runs_slow // 2)))
        self.row(task, t_sim, "Python csv loop", py, "≥8", lambda r: r >= 8, needs=needs)
        # Informative: the same evaluation without per-user output (SARIF carries the counts only).
        t_counts = self.ssolint_measure(
            "simulate", lambda: hyperfine({"ssolint": self.simulate(big, fmt="sarif")}, a.runs_slow, 1)["ssolint"])
        self.row(f"simulate {big_n:,} users, counts only (--format sarif)", t_counts,
                 "awk one pass (mawk)", t_awk, "— (informative: no per-user output)", None, needs=needs)
        rss = self.ssolint_measure("simulate", lambda: peak_rss(self.simulate(big)))
        self.row(f"peak memory, simulate --format json, {big_n:,} users", rss, "limit: 64 MiB",
                 64 * 1024 * 1024, "< 64 MiB (≥1)", lambda r: r > 1, unit="bytes", needs=needs)
        t_small = self.ssolint_measure(
            "simulate", lambda: hyperfine({"ssolint": self.simulate(small)}, a.runs_fast, 3)["ssolint"])
        if small_n == 10000:
            self.row("simulate 10 000 users, whole process", t_small, "limit: 10 ms", 0.010,
                     "under 10 ms (≥1)", lambda r: r >= 1, needs=needs)
        t_diff = self.ssolint_measure(
            "diff", lambda: hyperfine({"ssolint": self.diff(big)}, a.runs_slow, 1)["ssolint"])
        if isinstance(t_sim, Unavailable):
            self.row(f"diff of two configurations, {big_n:,} users", t_diff, "2x one ssolint simulate",
                     None, "within 2x (≥1)", None)
        else:
            self.row(f"diff of two configurations, {big_n:,} users", t_diff, "2x one ssolint simulate",
                     2 * t_sim, "within 2x (≥1)", lambda r: r >= 1)
        if not isinstance(t_sim, Unavailable):
            self.check_big_counts(big, big_n)

    def check_big_counts(self, users, n):
        """The 1M-user counts of ssolint and the reference peer must agree too."""
        proc = subprocess.Popen(self.simulate(users), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        tail = b""
        while chunk := proc.stdout.read(1 << 20):
            tail = (tail + chunk)[-65536:]
        proc.wait()
        m = re.search(rb'"counts"\s*:\s*(\{[^}]*\})', tail)
        ref = peer_json("simulate_csv.py", users, self.path("directory", "ssolint.toml"))["counts"]
        want = json.dumps({k: ref[k] for k in SIM_KEYS})
        if not m:
            self.verdict(f"users-{n}.csv counts", want, "ssolint", "no counts found")
            return
        got = json.loads(m.group(1))
        self.verdict(f"users-{n}.csv counts", want, "ssolint", json.dumps({k: got.get(k) for k in SIM_KEYS}))


# ---------------------------------------------------------------- output

def fmt(value, unit="time"):
    if value is None:
        return "—"
    if unit == "bytes":
        return f"{value / 1048576:.1f} MiB"
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.2f} ms"
    if value >= 1e-6:
        return f"{value * 1e6:.1f} µs"
    return f"{value * 1e9:.0f} ns"


def markdown(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c).replace("|", "/") for c in r) + " |" for r in rows]
    return "\n".join(lines)


def linked_openssl():
    """The OpenSSL built into ssolint (the static-openssl feature), from Cargo.lock."""
    try:
        lock = open(os.path.join(os.path.dirname(__file__), "..", "Cargo.lock")).read()
    except OSError:
        return ""
    m = re.search(r'name = "openssl-src"\nversion = "[^"+]*\+([^"]+)"', lock)
    return f" (ssolint links OpenSSL {m.group(1)})" if m else ""


def machine():
    def out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
        except OSError:
            return ""
    model = next((l.split(":", 1)[1].strip() for l in out(["lscpu"]).splitlines()
                  if l.startswith("Model name")), platform.processor())
    mem = next((l.split(":", 1)[1].strip() for l in open("/proc/meminfo") if l.startswith("MemTotal")), "?")
    return {"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "nproc": out(["nproc"]), "cpu": model, "memory": mem,
            "kernel": platform.release(), "rustc": out(["rustc", "--version"]),
            "openssl": "system " + out(["openssl", "version"]) + linked_openssl(), "xmlsec1": out(["xmlsec1", "--version"]),
            "hyperfine": out(["hyperfine", "--version"]), "awk": out(["awk", "-W", "version"]).split("\n")[0],
            "python": platform.python_version(),
            "load": "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())}


def peer_versions(jwt):
    from importlib.metadata import version
    v = {p: version(p) for p in ("python3-saml", "xmlsec", "signxml", "lxml", "PyJWT", "duckdb", "cryptography")}
    v["jwt-cli"] = subprocess.run([jwt, "--version"], capture_output=True, text=True).stdout.strip()
    return v


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--material", required=True, help="what bench/gen/*.py wrote")
    p.add_argument("--results", required=True, help="JSON file for every figure of the run")
    p.add_argument("--ssolint", required=True)
    p.add_argument("--jwt", required=True)
    p.add_argument("--runs-fast", type=int, default=30, help="hyperfine runs for millisecond commands")
    p.add_argument("--runs-slow", type=int, default=5, help="runs for commands of a second or more")
    p.add_argument("--only", help="comma-separated sections: saml,oidc,lint,sim (default: all)")
    a = p.parse_args()
    c = Comparison(a)
    info = machine()
    print(f"# ssolint comparison, {info['date']}")
    print(f"machine: {info['nproc']} CPUs ({info['cpu']}), {info['memory']} memory, Linux {info['kernel']}, "
          f"{info['load']} at the start")
    print("tools: " + ", ".join(f"{k} {v}" for k, v in peer_versions(a.jwt).items()))
    print(f"       {info['rustc']}; {info['openssl']}; {info['xmlsec1']}; {info['hyperfine']}; {info['awk']}")
    print()
    print("## Verdicts (every tool on the same material, before any timing)")
    started = time.time()
    only = set(a.only.split(",")) if a.only else {"saml", "oidc", "lint", "sim"}
    if "saml" in only:
        c.check_verdicts()
    if "oidc" in only:
        c.oidc_verdicts()
    if "lint" in only:
        c.lint_verdicts()
    if "sim" in only:
        c.sim_verdicts()
    print(markdown(["material", "expected", "tool", "answer", "agrees", "detail"], c.verdicts))
    print()
    before = len(c.verdicts)
    if only >= {"saml", "oidc", "sim"}:
        c.in_process_rows()
    if only >= {"saml", "oidc"}:
        c.process_rows()
    if "lint" in only:
        c.aggregate_rows()
    if "sim" in only:
        c.sim_rows()
    extra = c.verdicts[before:]
    if extra:
        print("## Verdicts measured with the timings")
        print(markdown(["material", "expected", "tool", "answer", "agrees", "detail"], extra))
        print()
    print("## Ratios (peer time / ssolint time; wall-clock medians measured in this run)")
    header = ["task", "ssolint", "peer", "peer time", "ratio", "target", "met?", "note"]
    table = markdown(header, c.rows)
    print(table)
    print()
    print(f"({time.time() - started:.0f} s; disagreeing verdicts mark a row 'disagree'; "
          f"'n/a' rows have no ssolint figure)")
    agree = sum(v[4] == "yes" for v in c.verdicts)  # before and with the timings
    na = sum(v[4] == "n/a" for v in c.verdicts)
    with open(os.path.join(os.path.dirname(a.results), "performance.md"), "w") as f:
        f.write(f"""# Performance

Measured by `bench/compare.sh` on {info['date']}: {info['nproc']} CPUs ({info['cpu']}),
{info['memory']} of memory, Linux {info['kernel']} ({info['load']} when the run started:
the machine was shared with other work). Peers: {", ".join(f"{k} {v}" for k, v in peer_versions(a.jwt).items())};
{info['xmlsec1']}; {info['openssl']}; {info['awk']}. Every figure below was printed by that run;
bench/README.md says how each is measured and what each peer does and does not check.

Verdicts (checked before the timings, and the largest simulation with them): {agree} of {len(c.verdicts)} tool answers agreed with the expected verdict,
{na} could not be asked (the ssolint command was not available), {len(c.verdicts) - agree - na} disagreed.

The ratio is the peer's time divided by ssolint's (above 1: ssolint is faster).

{table}
""")
    with open(a.results, "w") as f:
        json.dump({"machine": info, "peers": peer_versions(a.jwt), "verdicts": c.verdicts,
                   "rows": [dict(zip(header, r)) for r in c.rows]}, f, indent=1)


if __name__ == "__main__":
    main()
