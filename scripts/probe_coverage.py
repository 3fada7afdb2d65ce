"""The coverage routes of issue #14 under attack: the table's reading and the files for
coordinators only, the table sent from the page (`POST /api/v1/coverage/times`) only by the
département's coordination, whole or refused, never a 5xx for whatever bytes are sent.
Requests come from 127.0.0.140.
"""
import csv
import io
import json
import os
import subprocess

from probe_http import call
from probe_kit import bearer

SOURCE = "127.0.0.140"
TIMES = "/api/v1/coverage/times"
GRAND_POITIERS = "200069854"
# The server's default --max-body-bytes.
BODY_LIMIT = 2 * 1024 * 1024


def coverage_routes(t):
    departement, epci = (coordinator(t, args) for args in ([], ["--epci", GRAND_POITIERS]))
    mediator = t.tokens["content"]
    reads(t, departement, mediator)

    good = good_table(t, departement)

    def send(token, body, path=TIMES, content_type="text/csv", method="POST"):
        headers = {"Content-Type": content_type, **({"Authorization": f"Bearer {token}"} if token else {})}
        return call(t.port, method, path, body, headers, source=SOURCE, timeout=30)

    a = send(departement, good, f"{TIMES}?fichier=..%2F..%2Fetc%2Fpasswd")
    doc = a.json() or {}
    t.table.check("POST times: a good table, ?fichier=../../etc/passwd", "200, every commune, source « passwd »",
                  f"{a.short()}, {len(doc.get('rows') or [])} rows, source {doc.get('source')!r}",
                  a.status == 200 and len(doc.get("rows") or []) == len(good.splitlines()) - 1 and doc.get("source") == "passwd")
    held = len(doc.get("rows") or [])

    for who, token in (("no token", None), ("a mediator's token", mediator), ("an EPCI coordinator's token", epci)):
        expected = 401 if token is None else 403
        a = send(token, good)
        t.table.check(f"POST times with {who}", f"{expected} JSON", a.short(), a.status == expected and a.error_code() is not None)
    a = send(departement, b"x" * (BODY_LIMIT + 1))
    t.table.check("POST times: 2 MiB + 1 (the body limit)", "413 JSON", a.short(), a.status == 413 and a.error_code() == "payload_too_large")
    a = send(departement, good, content_type="application/json")
    t.table.check("POST times as application/json", "415 JSON", a.short(), a.status == 415 and a.error_code() is not None)

    garbage = os.urandom(256 * 1024)
    for name, body in (("256 KiB of random bytes", garbage), ("an empty body", b""),
                       ("a table with 10,000 unknown rows", good + b"99999,nowhere,-1\n" * 10_000)):
        a = send(departement, body, content_type="application/octet-stream")
        error = (a.json() or {}).get("error") or {}
        listed = len(error.get("details") or [])
        t.table.check(f"POST times: {name}", "422 invalid_table, ≤ 50 problems listed, < 16 KiB",
                      f"{a.status} {error.get('code')} {a.size} B, {listed} listed of {error.get('total')}",
                      a.status == 422 and error.get("code") == "invalid_table" and 0 < listed <= 50 and a.size < 16384)
    a = call(t.port, "GET", TIMES, headers=bearer(departement), source=SOURCE)
    kept = len((a.json() or {}).get("rows") or [])
    t.table.check("GET times after the refusals", "the good table, whole", f"{a.short()}, {kept} rows", a.status == 200 and kept == held)

    for who, token in (("a mediator's token", mediator), ("an EPCI coordinator's token", epci)):
        a = send(token, b"", method="DELETE")
        t.table.check(f"DELETE times with {who}", "403 JSON", a.short(), a.status == 403)
    a = send(departement, b"", method="DELETE")
    doc = a.json() or {}
    t.table.check("DELETE times (the département)", "200, no table", a.short(), a.status == 200 and doc.get("rows") == [] and doc.get("source") is None)


def reads(t, departement, mediator):
    """The GET routes: coordinators only, bad filters refused briefly without an echo."""
    for path in (TIMES, "/api/v1/export/couverture.csv", "/api/v1/export/couverture.xlsx"):
        for who, token, expected in (("no token", None, 401), ("a mediator", mediator, 403)):
            a = call(t.port, "GET", path, headers=bearer(token) if token else {}, source=SOURCE)
            t.table.check(f"GET {path.rsplit('/', 1)[1]} with {who}", f"{expected} JSON", a.short(), a.status == expected and a.error_code())
    a = call(t.port, "GET", "/api/v1/export/couverture.xlsx?seuil=15&besoin=demarches", headers=bearer(departement), source=SOURCE)
    t.table.check("GET couverture.xlsx?seuil=15&besoin=demarches", "200, a workbook", f"{a.status} {a.size} B",
                  a.status == 200 and a.body.startswith(b"PK"))
    long = "A" * 10_000
    for query in ("seuil=0", "seuil=" + long, "besoin=" + long, f"seuil=10&{long}=1", "heures=-1"):
        a = call(t.port, "GET", f"/api/v1/export/couverture.csv?{query}", headers=bearer(departement), source=SOURCE)
        t.table.check(f"GET couverture.csv?{query[:24]}{'…' if len(query) > 24 else ''}", "400 bad_filter, < 4 KiB, no echo",
                      a.short(), a.status == 400 and a.error_code() == "bad_filter" and a.size < 4096 and b"A" * 64 not in a.body)


def coordinator(t, flags):
    """A coordination device's token, enrolled as an administrator and a page would."""
    done = subprocess.run([t.server.binary, "--database", t.server.database, "enrol", "--role", "coordination", *flags],
                          capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"enrol --role coordination failed: {done.stderr.strip()}")
    answer = call(t.port, "POST", "/api/v1/devices", json.dumps({"code": done.stdout.strip()}).encode(),
                  {"Content-Type": "application/json"}, source=SOURCE)
    token = (answer.json() or {}).get("token")
    if not token:
        raise RuntimeError(f"could not enrol a coordinator: {answer.short()}")
    return token


def good_table(t, token):
    """Every commune with 12 minutes to its nearest place, as the coverage file names them."""
    a = call(t.port, "GET", "/api/v1/export/couverture.csv", headers=bearer(token), source=SOURCE, keep=8 << 20)
    rows = list(csv.reader(io.StringIO(a.body.decode())))
    column = rows[0].index("Identifiant du lieu")
    lines = [f"{r[0]},{r[column]},12" for r in rows[1:] if r[column]]
    return ("code_insee,place_id,minutes\n" + "\n".join(lines) + "\n").encode()
