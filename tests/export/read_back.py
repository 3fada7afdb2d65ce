#!/usr/bin/env python3
"""Reads the exports back with readers Repère does not share code with: openpyxl (PyPI) for the
XLSX files, Python's csv module for the CSV.

Contacts go in as a phone sends them (enrolment, then POST /api/v1/contacts to the release
server), the files come out of `repere-server export …`, and the checks are written from La
Coop's export (columns verbatim) and from the contacts sent, not from Repère's code.

Usage: target/py/bin/python tests/export/read_back.py [path/to/repere-server]
"""
import csv
import datetime
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import openpyxl  # noqa: E402
from probe_http import call  # noqa: E402
from probe_kit import Server, contact, enrol, uuid7  # noqa: E402

# La Coop's columns for an export read by someone else than the mediator
# (buildAccompagnementsWorksheet.ts, coop-mediation-numerique @ 46aa33bd), then Repère's "Structure".
COLUMNS = [
    "Date", "Enregistré le", "Dernière modification le", "Prénom du médiateur", "Nom du médiateur", "Rôle",
    "ID - Conum", "Type", "Participants", "Canaux d’accompagnement", "Nom du lieu", "Adresse", "Commune",
    "Code postal", "Code Insee", "Durée (min)", "Nom de l’atelier", "Matériel numérique utilisé",
    "Thématique(s) d’accompagnement", "Tags", "Nom de la démarche administrative",
    "Niveau d’autonomie (ou de l’atelier)", "Bénéficiaire réorienté", "Structure de redirection",
    "Commune du bénéficiaire", "Code postal du bénéficiaire", "Code Insee du bénéficiaire",
    "Genre du bénéficiaire", "Tranche d’âge du bénéficiaire", "Statut du bénéficiaire", "ID CRA", "Structure",
]
PLACE = "conseiller-numerique-62d7f4be9c289e06decf00a6"  # Mairie D'Adriers, in the bundled registry

failures = []


def check(what, got, expected):
    ok = got == expected
    print(f"{'ok  ' if ok else 'FAIL'} {what}: {got!r}" + ("" if ok else f" (expected {expected!r})"))
    if not ok:
        failures.append(what)


def push(server, structure, contacts):
    code = enrol(server.binary, server.database, structure)
    answer = call(server.port, "POST", "/api/v1/devices", json.dumps({"code": code}).encode(),
                  {"Content-Type": "application/json"})
    token = json.loads(answer.body)["token"]
    answer = call(server.port, "POST", "/api/v1/contacts", json.dumps({"contacts": contacts}).encode(),
                  {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    assert answer.status == 200, (answer.status, answer.body)


def contacts():
    """30 individual contacts in January, a workshop of 4 in February, 2 quick questions at a
    stand in Châtellerault in March: 36 accompaniments, 33 activities."""
    individual = [contact(seq=i + 1, debut=f"2026-01-{i % 28 + 1:02d}T10:00:00") for i in range(30)]
    workshop = contact(seq=31, type="collectif", debut="2026-02-10T14:00:00", duree_min=90,
                       lieu={"kind": "registre", "id": PLACE}, thematiques=["securite_numerique"],
                       thematiques_administratives=[], materiel=["tablette"], autonomie=None,
                       niveau_atelier="avance", beneficiaire={},
                       participants={"par_age": [0, 0, 1, 0, 3, 0, 0, 0], "par_statut": [0, 2, 2, 0, 0]})
    del workshop["autonomie"]
    session = uuid7()
    quick = [contact(seq=32 + i, type="ponctuel", debut="2026-03-07T09:30:00", duree_min=5, session=session,
                     lieu={"kind": "marche_stand", "commune": "86066"}, thematiques=[], thematiques_administratives=[],
                     materiel=[], beneficiaire={}) for i in range(2)]
    for q in quick:
        del q["autonomie"]
    return individual + [workshop] + quick, workshop["id"]


def export(binary, database, *args):
    done = subprocess.run([binary, "--database", database, "export", *args], capture_output=True, text=True, timeout=300)
    check(f"export {' '.join(args)}: exit", (done.returncode, done.stderr.strip()), (0, ""))
    return done.stdout.strip()


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/server/repere-server")
    with tempfile.TemporaryDirectory(prefix="repere-export-") as tmp:
        database, dist = os.path.join(tmp, "repere.sqlite"), os.path.join(tmp, "dist")
        os.mkdir(dist)
        with open(os.path.join(dist, "index.html"), "w") as f:
            f.write("<!doctype html><title>Repère</title>")
        sent, workshop_id = contacts()
        server = Server(binary, database, dist)
        try:
            push(server, "La Blaiserie", sent[:30])
            push(server, "Itinérance 86", sent[30:])
        finally:
            server.stop()

        out = lambda name: os.path.join(tmp, name)  # noqa: E731
        check("CSV command's answer", export(binary, database, "activites", "--format", "csv", "--out", out("a.csv")),
              f"{out('a.csv')} written: 36 rows")
        export(binary, database, "activites", "--format", "xlsx", "--out", out("a.xlsx"))
        export(binary, database, "statistiques", "--out", out("s.xlsx"))
        export(binary, database, "activites", "--format", "csv", "--out", out("fevrier.csv"), "--du", "2026-02-01",
               "--au", "2026-02-28")

        # CSV, Python's reader.
        with open(out("a.csv"), newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        check("CSV header is La Coop's", rows[0], COLUMNS)
        check("CSV rows", len(rows) - 1, 36)
        col = {name: i for i, name in enumerate(COLUMNS)}
        by_id = [r for r in rows[1:] if r[col["ID CRA"]] == workshop_id]
        check("CSV workshop's rows", [r[col["Participants"]] for r in by_id], ["1/4", "2/4", "3/4", "4/4"])
        check("CSV workshop's age bands", [r[col["Tranche d’âge du bénéficiaire"]] for r in by_id],
              ["40 - 59 ans", "18 - 24 ans", "18 - 24 ans", "18 - 24 ans"])
        check("CSV workshop's statuses", [r[col["Statut du bénéficiaire"]] for r in by_id],
              ["Sans emploi", "Sans emploi", "En emploi", "En emploi"])
        with open(out("fevrier.csv"), newline="", encoding="utf-8") as f:
            check("CSV filtered by period: the workshop's rows", len(list(csv.reader(f))) - 1, 4)

        # XLSX activities, openpyxl.
        book = openpyxl.load_workbook(out("a.xlsx"), read_only=True)
        check("XLSX sheets", book.sheetnames, ["Informations export", "Activités"])
        sheet = [list(r) for r in book["Activités"].iter_rows(values_only=True)]
        check("XLSX header is La Coop's", sheet[0], COLUMNS)
        check("XLSX rows", len(sheet) - 1, 36)
        x_workshop = [r for r in sheet[1:] if r[col["ID CRA"]] == workshop_id]
        check("XLSX workshop's rows", [r[col["Participants"]] for r in x_workshop], ["1/4", "2/4", "3/4", "4/4"])
        first = x_workshop[0]
        check("XLSX date is a date", first[col["Date"]], datetime.datetime(2026, 2, 10))
        check("XLSX duration is a number", first[col["Durée (min)"]], 90)
        check("XLSX workshop's place", [first[col[c]] for c in ("Nom du lieu", "Commune", "Code Insee")],
              ["Mairie D'Adriers", "Adriers", "86001"])
        check("XLSX workshop's level", first[col["Niveau d’autonomie (ou de l’atelier)"]], "3/3")
        quick = [r for r in sheet[1:] if "Demande ponctuelle" in (r[col["Tags"]] or "")]
        check("XLSX quick questions: individual accompaniments, tagged, at the stand's commune",
              [(r[col["Type"]], r[col["Tags"]], r[col["Commune"]], r[col["Participants"]]) for r in quick],
              [("Accompagnement individuel", "Demande ponctuelle\nMarché ou stand", "Châtellerault", 1)] * 2)
        csv_cells = [[c or "" for c in r] for r in rows[1:]]
        xlsx_cells = [["" if c is None else c.strftime("%d/%m/%Y") if isinstance(c, datetime.datetime) else str(c)
                       for c in r] for r in sheet[1:]]
        check("CSV and XLSX hold the same cells", csv_cells == xlsx_cells, True)
        info = {r[0]: r[1] for r in book["Informations export"].iter_rows(values_only=True) if r and r[0]}
        check("XLSX information block: total and role", (info.get("Total"), info.get("Rôle")), (36, "Administrateur"))

        # XLSX statistics, openpyxl.
        stats = openpyxl.load_workbook(out("s.xlsx"), read_only=True)
        check("statistics: a summary then one sheet per breakdown", (stats.sheetnames[0], len(stats.sheetnames)),
              ("Statistiques", 17))
        summary = {r[0]: r[1:] for r in stats["Statistiques"].iter_rows(values_only=True) if r and r[0]}
        check("statistics: Accompagnements au total", summary["Accompagnements au total"][0], 36)
        check("statistics: Nombre total d’activités", summary["Nombre total d’activités"][0], 33)
        check("statistics: Ateliers collectifs", summary["Ateliers collectifs"][:2], (1, 3))
        types = [list(r) for r in stats["Types d’activités"].iter_rows(values_only=True)]
        check("statistics: Types d’activités header", types[1], ["Libellé", "Nombre", "%"])
        check("statistics: Types d’activités", types[2:], [["Accompagnement individuel", 30, 91],
                                                           ["Atelier collectif", 1, 3], ["Demande ponctuelle", 2, 6]])
        residence = {r[0]: r[1] for r in stats["Communes de résidence"].iter_rows(min_row=3, values_only=True)}
        check("statistics: 30 people of Poitiers shown, others hidden under 5", residence.get("Poitiers"), 30)
    if failures:
        print(f"read_back: {len(failures)} check(s) failed: {failures}")
        sys.exit(1)
    print("read_back: every check passed")


if __name__ == "__main__":
    main()
