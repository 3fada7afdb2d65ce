#!/usr/bin/env python3
"""Reminders sent through a real SMTP server: `repere-server remind` against aiosmtpd (PyPI,
aio-libs), a mail server Repère shares no code with, started here on 127.0.0.1.

A fresh database holds the bundled registry (seeds/registry.json), whose places are all older
than 6 months, so every one is due. Checked: `--dry-run` sends nothing; a run sends exactly one
message per place with an e-mail address, to its addresses, in French, with a new update link
that opens the place's page (200) while the link made before stops working; the places without
an e-mail address are listed to call, with their phone; a second run sends nothing (quiet days);
no SMTP server reachable, or no --smtp-url: a one-line error and exit 1 or 2.

Usage: target/py/bin/python tests/remind/smtp_check.py [path/to/repere-server]
"""
import datetime
import email
import html
import email.policy
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from aiosmtpd.controller import Controller

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "server", "repere-server")
FROM = "Département de la Vienne <repere@lavienne86.fr>"

failures = []


def check(what, got, expected):
    ok = got == expected
    print(f"{'ok  ' if ok else 'FAIL'} {what}: {got!r}"[:300] + ("" if ok else f" (expected {expected!r})"))
    if not ok:
        failures.append(what)


class Inbox:
    """aiosmtpd's handler: keeps every message received, as (recipients, parsed message)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((sorted(envelope.rcpt_tos), email.message_from_bytes(envelope.content, policy=email.policy.default)))
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(db, *args):
    """(exit code, stdout, the stderr lines that are not logs)."""
    out = subprocess.run([BINARY, "--database", db, *args], capture_output=True, text=True, timeout=120)
    errors = [line for line in out.stderr.splitlines() if line.startswith(("repere-server:", "error:"))]
    return out.returncode, out.stdout, errors


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, ""


def fetch_while_serving(db, addr, tmp, urls):
    """Serves `db` on `addr` and GETs each of `urls`: [(status, page)]."""
    dist = os.path.join(tmp, "dist")
    os.makedirs(dist, exist_ok=True)
    with open(os.path.join(dist, "index.html"), "w") as f:
        f.write("<!doctype html>")
    server = subprocess.Popen([BINARY, "--database", db, "--addr", addr, "--dist", dist], stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", int(addr.split(":")[1])), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        return [get(url) for url in urls]
    finally:
        server.terminate()
        server.wait(timeout=20)


def main():
    with open(os.path.join(ROOT, "seeds", "registry.json"), encoding="utf-8") as f:
        places = json.load(f)["places"]
    today = datetime.date.today()
    check("every bundled place is older than 6 months (183 days)", all((today - datetime.date.fromisoformat(p["date_maj"][:10])).days >= 183 for p in places), True)
    with_mail = {p["id"]: sorted(p["courriels"].split("|")) for p in places if p.get("courriels")}
    to_call = {p["id"]: p.get("telephone") for p in places if not p.get("courriels")}
    names = {p["id"]: p["nom"] for p in places}

    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    smtp_url = f"smtp://127.0.0.1:{smtp.port}"
    addr = f"127.0.0.1:{free_port()}"
    base = f"http://{addr}"
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "t.sqlite")
        sending = ["--smtp-url", smtp_url, "--mail-from", FROM, "--base-url", base]

        code, out_dry, errors = run(db, "remind", "--dry-run")
        out = out_dry
        check("--dry-run: exit and errors", (code, errors), (0, []))
        check("--dry-run: the places it would e-mail", out.splitlines()[0], f"{len(with_mail)} place(s) would be e-mailed:")
        check("--dry-run: nothing sent", len(inbox.messages), 0)

        code, out, errors = run(db, "remind")
        check("without --smtp-url: a usage error", (code, len(errors)), (2, 1))
        some_place = next(iter(with_mail))
        code, old_link, _ = run(db, "place-link", some_place, "--base-url", base)
        code, out, errors = run(db, "remind", "--smtp-url", f"smtp://127.0.0.1:{free_port()}", "--mail-from", FROM)
        check("no SMTP server listening: exit 1, one line, nothing recorded", (code, len(errors), run(db, "remind", "--dry-run")[1]), (1, 1, out_dry))
        print("     ", errors[0] if errors else "")
        check("... and the place's link still works", [s for s, _ in fetch_while_serving(db, addr, tmp, [old_link.strip()])], [200])

        code, out, errors = run(db, "remind", *sending)
        check("remind: exit and errors", (code, errors), (0, []))
        check("remind: one message per place with an e-mail address", len(inbox.messages), len(with_mail))
        links = {}
        for recipients, message in inbox.messages:
            body = message.get_body(("plain",)).get_content()
            found = re.search(r"(http://\S+/lieu/([^/\s]+)/mise-a-jour\?code=[0-9a-f]{32})\s", body)
            if not found:
                check("a link in each message", body, "a link")
                continue
            link, place = found.group(1), found.group(2)
            links[place] = link
            check(f"{place}: sent to its addresses", recipients, with_mail.get(place))
            check(f"{place}: named in the message", names[place] in body and "« Rien n'a changé »" in body, True)
            check(f"{place}: from and subject", (message["From"].addresses[0].addr_spec, message["Subject"]),
                  ("repere@lavienne86.fr", "Vos informations sur Repère sont-elles toujours justes ?"))
        check("each place e-mailed once", sorted(links), sorted(with_mail))
        lines = out.splitlines()
        head = lines.index(f"{len(to_call)} place(s) to call (no e-mail address):")
        listed = {line.split("\t")[0].strip(): line.split("\t")[-1] for line in lines[head + 1:]}
        check("the places to call, with their phone", listed, {p: t or "pas de téléphone" for p, t in to_call.items()})
        print("      e.g.", lines[1].strip()[:120], "|", lines[head + 1].strip()[:120])

        (status, page), (old_status, _) = fetch_while_serving(db, addr, tmp, [links[some_place], old_link.strip()])
        check("the link in the message opens the place's page", (status, names[some_place] in html.unescape(page)), (200, True))
        check("the link made before the reminder stops working", old_status, 403)

        before = len(inbox.messages)
        code, out, errors = run(db, "remind", *sending)
        check("a second run: nothing sent (reminded less than 20 days ago)", (code, len(inbox.messages) - before, out.splitlines()[0]),
              (0, 0, "0 place(s) e-mailed:"))
    smtp.stop()
    if failures:
        print(f"{len(failures)} check(s) failed: {', '.join(failures)}")
        sys.exit(1)
    print("all reminder checks passed")


main()
