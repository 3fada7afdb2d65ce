"""The precise attacks of issue #11 (2, 5, 6, 9, 10, 11, 12), one function each: a crafted
request, the answer the hardened server must give. Each takes the `Target` and adds rows to
its table; each uses its own 127.x source address.
"""
import json

from probe_http import call
from probe_kit import Server, bearer, contact, enrol, refused, uuid7

MIB = 1024 * 1024


# ---------------------------------------------------------------- 2. personal data as free text


def personal_data(t):
    plain = contact()
    a = t.push([plain])
    t.table.check("a valid contact", "200, acked", a.short(), a.status == 200 and (a.json() or {}).get("acked") == [plain["id"]])
    full = full_contact(t)
    a = t.push([full])
    t.table.check("a valid contact at a registry place, oriented to one", "200", a.short(), a.status == 200)

    a = t.push([contact(lieu={"kind": "registre", "id": f"probe-no-such-place-{uuid7()}"})])
    t.table.check("lieu: a registry id no version holds", "422 naming lieu", f"{a.short()} fields {a.detail_fields()[:3]}",
                  a.status == 422 and a.names("lieu"))
    a = t.push([contact(lieu={"kind": "registre", "id": "L" * 100_000})])
    t.table.check("lieu: a registry id of 100,000 characters", "400/422, answer < 4 KiB, no echo",
                  f"{a.short()}, echoes: {'L' * 64 in a.body.decode(errors='replace')}",
                  refused(a) and a.size < 4096 and b"L" * 64 not in a.body)
    a = t.push([contact(orientation={"structure": "mediation_numerique", "lieu": "Jean Dupont 06 12 34 56 78 jean.dupont@example.fr"})])
    t.table.check("orientation.lieu: a name, phone and e-mail", "422", a.short(), a.status == 422)
    a = t.push([contact(lieu={"kind": "bus", "nom": "Jean Dupont"})])
    t.table.check("lieu: {kind: bus, nom: …} (unknown field)", "400/422", a.short(), refused(a))
    a = t.push([contact(beneficiaire={"tranche_age": "soixante_dix_plus", "commune": "75056"})])
    t.table.check("beneficiaire.commune 75056 (Paris, not the Vienne)", "422 naming commune", f"{a.short()} fields {a.detail_fields()[:3]}",
                  a.status == 422 and a.names("commune"))
    oversized_strings(t)


def full_contact(t, **changes):
    """A valid contact using every string field the wire format has (but `session`)."""
    fields = {
        "lieu": {"kind": "registre", "id": t.registry_id},
        "orientation": {"structure": "mediation_numerique", "lieu": t.registry_id},
        "beneficiaire": {"tranche_age": "soixante_dix_plus", "statut": "retraite", "genre": "feminin", "commune": "86194"},
    }
    return contact(**{**fields, **changes})


def oversized_strings(t):
    """Each string field in turn set to 5,000 characters: refused, and not echoed back whole."""
    long = "B" * 5000
    variants = {
        "id": {"id": long}, "type": {"type": long}, "debut": {"debut": long},
        "lieu.id": {"lieu": {"kind": "registre", "id": long}}, "lieu.code": {"lieu": {"kind": "commune", "code": long}},
        "thematiques[]": {"thematiques": [long]}, "thematiques_administratives[]": {"thematiques_administratives": [long]},
        "materiel[]": {"materiel": [long]}, "autonomie": {"autonomie": long}, "niveau_atelier": {"niveau_atelier": long},
        "orientation.structure": {"orientation": {"structure": long}},
        "orientation.lieu": {"orientation": {"structure": "mediation_numerique", "lieu": long}},
        "session": {"session": long},
    }
    for name in ("tranche_age", "statut", "genre", "commune"):
        variants[f"beneficiaire.{name}"] = {"beneficiaire": {"tranche_age": "soixante_dix_plus", name: long}}
    wrong = []
    for name, changes in variants.items():
        a = t.push([full_contact(t, **changes)])
        if not (refused(a) and a.size < 4096):
            wrong.append(f"{name}: {a.short()}")
    got = f"{len(variants) - len(wrong)}/{len(variants)} refused briefly" + (f"; not: {'; '.join(wrong[:5])}" if wrong else "")
    t.table.check("each string field at 5,000 characters", "400/422, answer < 4 KiB", got, not wrong)


# ---------------------------------------------------------------- 5. empty push


def empty_push(t):
    a = t.push([])
    t.table.check('{"contacts": []}', '200 with "acked": []', a.short(), a.status == 200 and (a.json() or {}).get("acked") == [])


# ---------------------------------------------------------------- 6. long paths


def long_paths(t):
    for suffix in ("", ".js"):
        a = call(t.port, "GET", "/" + "a" * 256 + suffix, source="127.0.0.60")
        t.table.check(f"GET / + 256 × a{' + ' + suffix if suffix else ''}", "404", a.short(), a.status == 404)


# ---------------------------------------------------------------- 9. wrong methods


def wrong_methods(t):
    for method, path in (("GET", "/api/v1/contacts"), ("POST", "/api/v1/health"), ("DELETE", "/api/v1/registry")):
        a = call(t.port, method, path, source="127.0.0.90")
        t.table.check(f"{method} {path}", "405 JSON method_not_allowed + Allow",
                      f"{a.short()}, Allow: {a.headers.get('allow')}",
                      a.status == 405 and a.error_code() == "method_not_allowed" and "allow" in a.headers)
    for path in ("/api/", "/api"):
        a = call(t.port, "GET", path, source="127.0.0.90")
        t.table.check(f"GET {path}", "404 JSON", a.short(), a.status == 404 and a.error_code() is not None)


# ---------------------------------------------------------------- 10. a larger body limit


def larger_body_limit(t):
    database = t.new_database()
    code = enrol(t.server.binary, database, "Probe")
    second = Server(t.server.binary, database, t.dist, ["--max-body-bytes", str(8 * MIB)])
    try:
        enrolled = call(second.port, "POST", "/api/v1/devices", json.dumps({"code": code}).encode(),
                        {"Content-Type": "application/json"}, source="127.0.0.100")
        headers = bearer((enrolled.json() or {}).get("token", "none"))
        for size, expected, ok in ((5 * MIB, "2xx (not 413)", lambda a: 200 <= a.status < 300),
                                   (9 * MIB, "413 JSON", lambda a: a.status == 413 and a.error_code() is not None)):
            body = json.dumps({"contacts": [contact()]}).encode()
            body += b" " * (size - len(body))
            a = call(second.port, "POST", "/api/v1/contacts", body, headers, source="127.0.0.100", timeout=30)
            t.table.check(f"--max-body-bytes 8388608: a {size // MIB} MiB push", expected, a.short(), ok(a))
    finally:
        t.other_errors.extend(second.error_lines())
        second.stop()


# ---------------------------------------------------------------- 11. dates and sequence numbers


def dates_and_seq(t):
    a = t.push([contact(debut="0000-01-01T10:00:00")])
    t.table.check("debut 0000-01-01T10:00:00", "422 naming debut", f"{a.short()} fields {a.detail_fields()[:3]}",
                  a.status == 422 and a.names("debut"))
    a = t.push([contact(seq=2**53 - 1)])
    t.table.check("seq 2^53 − 1 (largest safe integer)", "200", a.short(), a.status == 200)
    for seq, name in ((2**64 - 1, "2^64 − 1"), (2**53, "2^53")):
        a = t.push([contact(seq=seq)])
        t.table.check(f"seq {name}", "400/422", a.short(), refused(a))


# ---------------------------------------------------------------- 12. security headers


def security_headers(t):
    for path in ("/", "/api/v1/health"):
        a = call(t.port, "GET", path, source="127.0.0.120")
        missing = missing_security_headers(a.headers)
        t.table.check(f"GET {path}: security headers", "CSP (frame-ancestors 'none', strict script-src), nosniff, Referrer-Policy",
                      f"{a.status}, " + (f"missing: {', '.join(missing)}" if missing else "all present"), a.status == 200 and not missing)


def missing_security_headers(headers):
    csp = {d.strip().split(" ")[0]: d.strip() for d in headers.get("content-security-policy", "").split(";") if d.strip()}
    missing = []
    if "'none'" not in csp.get("frame-ancestors", ""):
        missing.append("CSP frame-ancestors 'none'")
    if "script-src" not in csp or "'unsafe-inline'" in csp["script-src"]:
        missing.append("CSP script-src without 'unsafe-inline'")
    if headers.get("x-content-type-options", "").lower() != "nosniff":
        missing.append("X-Content-Type-Options: nosniff")
    if not headers.get("referrer-policy"):
        missing.append("Referrer-Policy")
    return missing
