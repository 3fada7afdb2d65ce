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


# The coverage table's columns (issue #14: nearest help, distance, time, how obtained, beyond).
COVERAGE = ["Code INSEE", "Commune", "EPCI", "Population", "Lieu d’aide le plus proche", "Identifiant du lieu",
            "Distance à vol d’oiseau (km)", "Temps (min)", "Temps obtenu par", "Au-delà du seuil"]
GAPS = ["EPCI", "SIREN", "Indice de rupture", "Communes", "Population", "Communes au-delà du seuil",
        "Population au-delà du seuil", "Population au-delà × indice"]


def coverage(binary, database, out):
    """The coverage files: the estimate checked by hand (km × 1.3 at 60 km/h), the sheets' shape,
    the EPCI's totals against the communes', then an imported table named in « Informations »."""
    export(binary, database, "couverture", "--format", "csv", "--out", out("c.csv"))
    export(binary, database, "couverture", "--format", "xlsx", "--out", out("c.xlsx"))
    with open(out("c.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    book = openpyxl.load_workbook(out("c.xlsx"))
    check("coverage: sheets", book.sheetnames, ["Communes", "EPCI", "Informations"])
    communes = book["Communes"]
    cells = [list(r) for r in communes.iter_rows(values_only=True)]
    check("coverage: CSV and XLSX headers", (rows[0], cells[0]), (COVERAGE, COVERAGE))
    check("coverage: 265 communes", (len(rows) - 1, len(cells) - 1), (265, 265))
    check("coverage: header frozen, filters on the table", (communes.freeze_panes, communes.auto_filter.ref), ("A2", "A1:J266"))
    check("coverage: times are numbers shown with one decimal", (communes["H2"].data_type, communes["H2"].number_format), ("n", "0.0"))
    col = {name: i for i, name in enumerate(COVERAGE)}
    # (Both shown to a tenth: 3.35 km is 3.3 and its 4.355 minutes 4.4.)
    by_hand = [abs(r[col["Temps (min)"]] - r[col["Distance à vol d’oiseau (km)"]] * 1.3) <= 0.12 for r in cells[1:]]
    check("coverage: every estimate is km × 1.3 at 60 km/h", all(by_hand), True)
    csv_cells = [[float(c) if i in (6, 7) else int(c) if i == 3 else c for i, c in enumerate(r)] for r in rows[1:]]
    check("coverage: CSV and XLSX hold the same cells", csv_cells == [["" if c is None else c for c in r] for r in cells[1:]], True)
    beyond = [r for r in cells[1:] if r[col["Au-delà du seuil"]] == "oui"]
    check("coverage: beyond 10 minutes means more than 10", all(r[7] > 9.9 for r in beyond), True)
    adriers = next(r for r in cells[1:] if r[0] == "86001")
    check("coverage: Adriers has its help in the mairie", (adriers[4], adriers[9]), ("Mairie D'Adriers", "non"))
    gaps = [list(r) for r in book["EPCI"].iter_rows(values_only=True)]
    check("coverage: EPCI header and the Vienne last", (gaps[0], gaps[-1][0], len(gaps)), (GAPS, "Vienne", 9))
    vienne = gaps[-1]
    check("coverage: the Vienne's totals", vienne[2:7], [12, 265, sum(r[3] for r in cells[1:]), len(beyond), sum(r[3] for r in beyond)])
    check("coverage: EPCI add up to the Vienne", [sum(r[i] for r in gaps[1:-1]) for i in (3, 5, 6, 7)],
          [265, vienne[5], vienne[6], vienne[7]])
    check("coverage: weighted by the EPCI's indice", all(r[7] == r[6] * r[2] for r in gaps[1:-1]), True)
    info = {r[0]: r[1] for r in book["Informations"].iter_rows(values_only=True) if r and r[0]}
    check("coverage: threshold and method", (info.get("Seuil"), info.get("Temps obtenus par")),
          ("10 minutes", "estimation : vol d’oiseau × 1,3 à 60 km/h"))

    with open(out("temps.csv"), "w", encoding="utf-8") as f:
        f.write("code_insee,place_id,minutes\n" + "".join(f"{r[0]},{r[5]},{float(r[7]) / 2}\n" for r in rows[1:]))
    done = subprocess.run([binary, "--database", database, "coverage", "import-times", out("temps.csv")],
                          capture_output=True, text=True, timeout=60)
    check("coverage: table imported", (done.returncode, done.stdout.endswith("265 travel times imported; they replace the previous table\n")), (0, True))
    export(binary, database, "couverture", "--format", "xlsx", "--out", out("t.xlsx"), "--seuil", "15")
    routed = openpyxl.load_workbook(out("t.xlsx"))
    info = {r[0]: r[1] for r in routed["Informations"].iter_rows(values_only=True) if r and r[0]}
    check("coverage: the imported table named", (info["Seuil"], info["Temps obtenus par"].startswith("tableau importé le "),
                                                 "(fichier temps.csv, 265 lignes)" in info["Temps obtenus par"]),
          ("15 minutes", True, True))
    times = [r[7] for r in routed["Communes"].iter_rows(min_row=2, values_only=True)]
    check("coverage: routed times used", sum(times) < sum(r[7] for r in cells[1:]) * 0.6, True)


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
        coverage(binary, database, out)
    if failures:
        print(f"read_back: {len(failures)} check(s) failed: {failures}")
        sys.exit(1)
    print("read_back: every check passed")


if __name__ == "__main__":
    main()
