#!/usr/bin/env python3
"""Validates the registry file Repère publishes against the national standard's official Table
Schema, with frictionless (PyPI), a validator Repère shares no code with.

A fresh database holds the bundled registry (seeds/registry.json); `repere-server
export-registry --format csv --standard` writes it; every row and field must pass the schema
(../shared/data/schema, the standard v1.0.2 as published by La MedNum). The JSON form too: no
key the schema does not name, and its values, as rows, pass the same schema. Two controls show the
validator is really checking: the standard's own example file passes, and the full form (with
Repère's `x_…` columns) is refused for exactly those extra columns.

Usage: target/py/bin/python tests/registry/validate.py [path/to/repere-server]
"""
import csv
import json
import os
import subprocess
import sys
import tempfile

from frictionless import Resource, Schema

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMA_DIR = os.path.join(os.path.dirname(ROOT), "shared", "data", "schema")
SCHEMA = os.path.join(SCHEMA_DIR, "standard-mediation-num-schema-v1.0.2.json")
EXAMPLE = os.path.join(SCHEMA_DIR, "standard-mediation-num-exemple-valide.csv")
EXTENSIONS = ["x_position_approximative", "x_ids_fusionnes", "x_se_deplace_a_domicile"]

failures = []


def check(what, got, expected):
    ok = got == expected
    print(f"{'ok  ' if ok else 'FAIL'} {what}: {got!r}" + ("" if ok else f" (expected {expected!r})"))
    if not ok:
        failures.append(what)


def schema():
    with open(SCHEMA, encoding="utf-8") as f:
        return Schema.from_descriptor(json.load(f))


def problems(path):
    """Every error frictionless finds in the CSV at `path`, as (type, row, field, message)."""
    return errors(Resource(path=os.path.basename(path), basepath=os.path.dirname(path), schema=schema()))


def json_problems(path):
    """The keys of the JSON file at `path` the schema does not name, and the errors of its values as rows."""
    names = [field.name for field in schema().fields]
    with open(path, encoding="utf-8") as f:
        places = json.load(f)
    unknown = sorted({key for place in places for key in place} - set(names))
    rows = [names] + [[place.get(name) for name in names] for place in places]
    return unknown, len(places), errors(Resource(data=rows, schema=schema()))


def errors(resource):
    report = resource.validate()
    return [(e.type, getattr(e, "row_number", None), getattr(e, "field_name", None) or getattr(e, "label", None), e.message)
            for task in report.tasks for e in task.errors]


def export(binary, database, out, *flags):
    """Runs `export-registry` (CSV unless `flags` say otherwise); returns `out`."""
    flags = flags if "--format" in flags else (*flags, "--format", "csv")
    done = subprocess.run([binary, "--database", database, "export-registry", "--out", out, *flags],
                          capture_output=True, text=True, timeout=120)
    check(f"export-registry {' '.join(flags)}: exit", (done.returncode, done.stderr.strip()), (0, ""))
    print(f"     {done.stdout.strip()}")
    return out


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "server", "repere-server")
    check("the standard's example file against its schema", problems(EXAMPLE), [])
    with tempfile.TemporaryDirectory() as tmp:
        database = os.path.join(tmp, "repere.sqlite")
        standard, full = os.path.join(tmp, "lieux-standard.csv"), os.path.join(tmp, "lieux-complet.csv")
        export(binary, database, standard, "--standard")
        found = problems(standard)
        for problem in found[:20]:
            print(f"     {problem}")
        check("the seeds' registry (--standard) against the schema: errors", len(found), 0)
        with open(standard, encoding="utf-8") as f:
            check("places exported", sum(1 for _ in csv.reader(f)) - 1, 141)
        unknown, places, found = json_problems(export(binary, database, standard[:-3] + "json", "--standard", "--format", "json"))
        for problem in found[:20]:
            print(f"     {problem}")
        check("the seeds' registry as JSON (--standard): keys outside the schema, places, errors", (unknown, places, len(found)), ([], 141, 0))
        export(binary, database, full)
        check("the full form is refused for its extension columns only",
              sorted((kind, field) for kind, _, field, _ in problems(full)),
              sorted(("extra-label", name) for name in EXTENSIONS))
    if failures:
        print(f"{len(failures)} check(s) failed: {', '.join(failures)}")
        sys.exit(1)
    print("the published registry is valid against the standard's Table Schema")


main()
