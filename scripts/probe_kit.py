"""What scripts/probe needs around the attacks: fresh databases, a server under test, its
memory, valid contacts to vary, the target the attacks share, and the result table.

Standard library only, so the probe runs wherever Python 3.11 does (CI, an operator's box).
"""
import glob
import json
import os
import re
import resource
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field

from probe_http import call


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_file_limit():
    """Slow-client floods hold ~1,100 sockets on each side; the server inherits this limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# ---------------------------------------------------------------- databases


class SqliteDatabases:
    """Fresh SQLite files in one temporary folder."""

    name = "SQLite"

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="repere-probe-")
        self.count = 0

    def fresh(self):
        self.count += 1
        return os.path.join(self.dir, f"probe-{self.count}.sqlite")

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class PostgresDatabases:
    """Fresh databases on a PostgreSQL server given by URL without a database name, made as
    server/tests/common/mod.rs makes them, and dropped at the end."""

    name = "PostgreSQL"

    def __init__(self, server_url):
        self.server = server_url.rstrip("/")
        self.made = []

    def _admin(self, sql):
        psql = shutil.which("psql") or max(glob.glob("/usr/lib/postgresql/*/bin/psql"), default="psql")
        subprocess.run([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", f"{self.server}/postgres", "-c", sql],
                       check=True, capture_output=True, text=True, timeout=60)

    def fresh(self):
        name = f"repere_probe_{os.getpid()}_{len(self.made)}_{time.time_ns() % 10**9}"
        self._admin(f"CREATE DATABASE {name}")
        self.made.append(name)
        return f"{self.server}/{name}"

    def cleanup(self):
        for name in self.made:
            try:
                self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            except subprocess.SubprocessError as e:
                print(f"probe: could not drop {name}: {e}")


# ---------------------------------------------------------------- the server


def enrol(binary, database, structure):
    """A one-time enrolment code, as an administrator makes it."""
    done = subprocess.run([binary, "--database", database, "enrol", "--structure", structure],
                          capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"enrol failed: {done.stderr.strip()}")
    return done.stdout.strip()


class Server:
    """A repere-server process on a free port, its stderr kept in a file for the ERROR scan."""

    def __init__(self, binary, database, dist, flags=()):
        self.binary, self.database = binary, database
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="repere-probe-", suffix=".log", delete=False)
        self.log_path = self.log.name
        args = [binary, "--addr", f"127.0.0.1:{self.port}", "--database", database, "--dist", dist, *flags]
        env = dict(os.environ, NO_COLOR="1")
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=self.log, env=env)
        self._wait_ready()

    def _wait_ready(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited ({self.proc.returncode}): {self.log_text()[-2000:]}")
            try:
                if call(self.port, "GET", "/api/v1/health", timeout=2).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("the server did not answer /api/v1/health within 60 s")

    def rss_mib(self):
        with open(f"/proc/{self.proc.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def log_text(self):
        self.log.flush()
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def error_lines(self):
        plain = re.sub(r"\x1b\[[0-9;]*m", "", self.log_text())
        return [line for line in plain.splitlines() if re.search(r"\bERROR\b", line)]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        os.unlink(self.log_path)


def server_flags(binary):
    """The flags this build of the server knows (today's may lack the hardening ones)."""
    help_text = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=30).stdout
    return set(re.findall(r"--[a-z][a-z0-9-]+", help_text))


class RssWatch:
    """Samples the server's RSS every 20 ms while a flood runs: before, peak, and after a
    settling second."""

    def __init__(self, server):
        self.server = server

    def __enter__(self):
        self.before = self.peak = self.server.rss_mib()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.server.rss_mib())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        time.sleep(1)
        self.after = self.server.rss_mib()
        self.peak = max(self.peak, self.after)

    @property
    def growth(self):
        return self.peak - self.before

    def figures(self):
        return f"RSS {self.before:.0f}→peak {self.peak:.0f}→{self.after:.0f} MiB"


# ---------------------------------------------------------------- contacts


def uuid7():
    """A UUIDv7 (the server accepts no other version): 48 bits of milliseconds, then random."""
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    value = (value & ~(0xF << 76)) | (0x7 << 76)
    value = (value & ~(0x3 << 62)) | (0x2 << 62)
    return str(uuid.UUID(int=value))


def contact(**changes):
    """A valid individual contact (as server/tests/contacts.rs makes one), with `changes`."""
    record = {
        "id": uuid7(), "seq": 1, "type": "individuel", "debut": "2026-11-28T10:30:00", "duree_min": 30,
        "lieu": {"kind": "bus"}, "thematiques": ["aide_aux_demarches_administratives"],
        "thematiques_administratives": ["social_sante"], "materiel": ["telephone"],
        "autonomie": "entierement_accompagne",
        "beneficiaire": {"tranche_age": "soixante_dix_plus", "statut": "retraite", "commune": "86194"},
    }
    record.update(changes)
    return record


# ---------------------------------------------------------------- results


@dataclass
class Row:
    attack: str
    expected: str
    got: str
    ok: bool


class Table:
    def __init__(self, title):
        self.title, self.rows, self.figures = title, [], []

    def check(self, attack, expected, got, ok):
        self.rows.append(Row(attack, expected, got, bool(ok)))
        mark = "ok" if ok else "FAIL"
        print(f"  {mark:4} {attack}: {got}", flush=True)

    def figure(self, text):
        self.figures.append(text)

    def failed(self):
        return [r for r in self.rows if not r.ok]

    def render(self):
        """Markdown, so that a run pastes as is into an issue or a report."""
        def cell(text):
            return text.replace("|", "\\|")

        lines = [f"## {self.title}: {len(self.rows) - len(self.failed())}/{len(self.rows)} checks pass", "",
                 "| attack | expected | got | ok |", "|---|---|---|---|"]
        lines += [f"| {cell(r.attack)} | {cell(r.expected)} | {cell(r.got)} | {'ok' if r.ok else '**FAIL**'} |" for r in self.rows]
        if self.figures:
            lines += ["", "Figures:"] + [f"- {f}" for f in self.figures]
        return "\n".join(lines)


# ---------------------------------------------------------------- the target


@dataclass
class Target:
    server: Server
    table: Table
    quick: bool
    tokens: dict  # name → device token
    codes: dict  # name → enrolment code (for the guessing check and the entropy check)
    registry_id: str
    new_database: object  # () -> a fresh database of the same kind (for the second server)
    dist: str
    other_errors: list = field(default_factory=list)  # ERROR lines of the second server

    @property
    def port(self):
        return self.server.port

    def push(self, contacts, token="content", source="127.0.0.20"):
        body = json.dumps({"contacts": contacts}).encode()
        return call(self.port, "POST", "/api/v1/contacts", body, bearer(self.tokens[token]), source=source)


def bearer(token):
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def statuses(answers):
    """`422 × 7, 200 × 1`: what a batch of answers was."""
    counts = {}
    for a in answers:
        key = a.status or f"no answer ({a.error})"
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{k} × {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))


def refused(answer):
    return answer.status in (400, 422)
