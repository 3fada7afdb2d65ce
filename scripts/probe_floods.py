"""The floods of issue #11 (attacks 1, 3, 4, 7, 8), one function each: many requests or
connections at once, with the server's memory watched and a legitimate client timed around
them. Each takes the `Target` and adds rows to its table. Floods come from 127.0.0.1 where
the issue says; everything else from its own 127.x, so one check's limits do not decide another's.
"""
import json
import math
import os
import random
import selectors
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from probe_http import KeepAlive, call
from probe_kit import RssWatch, bearer, contact, refused, statuses

# The server is started with this header timeout when it knows the flag; a slow connection
# must be gone this long after it opened, plus a 3 s grace.
HEADER_TIMEOUT = 3
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


# ---------------------------------------------------------------- 1. slow clients


class SlowConnection:
    def __init__(self, port, trickle):
        self.trickle, self.opened, self.closed, self.next_line = trickle, None, None, None
        self.sock = socket.socket()
        self.sock.setblocking(False)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.connect_ex(("127.0.0.1", port))

    def send(self, data, now):
        try:
            self.sock.send(data)
            self.next_line = now + random.uniform(2, 3)
        except OSError:
            self.closed = now


def slow_clients(t):
    n = 200 if t.quick else 1100
    grace = HEADER_TIMEOUT + 3
    with RssWatch(t.server) as rss:
        conns = [SlowConnection(t.port, trickle=i % 2 == 0) for i in range(n)]
        health = HealthSampler(t.port, "127.0.0.2")
        hold_connections(conns, grace, health)
    for c in conns:
        c.sock.close()
    held = [c.closed - c.opened for c in conns if c.opened is not None and c.closed is not None]
    in_time = sum(1 for h in held if h <= grace)
    never = sum(1 for c in conns if c.opened is None)
    still_open = sum(1 for c in conns if c.opened is not None and c.closed is None)
    t.table.check(f"{n} slow connections from 127.0.0.1 (half trickle a header line every 2–3 s)",
                  f"each closed by the server within {grace} s",
                  f"{in_time}/{n} closed in time (longest {max(held, default=0):.1f} s), {still_open} still open at "
                  f"{grace + 1} s, {never} never connected; {rss.figures()}",
                  in_time == n)
    t.table.check("GET /api/v1/health from 127.0.0.2 during the flood", "200 within 1 s, every time",
                  health.summary(), health.answers and all(a.status == 200 and a.seconds < 1 for a in health.answers))
    after = call(t.port, "GET", "/api/v1/health", source="127.0.0.1", timeout=5)
    t.table.check("GET /api/v1/health from 127.0.0.1 after the flood", "200", after.short(), after.status == 200)
    t.table.figure(f"slow clients: {rss.figures()}")


def hold_connections(conns, grace, health):
    """Drives the slow connections until the server has closed them all, or until it is too late."""
    sel = selectors.DefaultSelector()
    for c in conns:
        sel.register(c.sock, selectors.EVENT_WRITE, c)
    started = time.monotonic()
    deadline = started + grace + 5
    while time.monotonic() < deadline and any(c.closed is None for c in conns):
        now = time.monotonic()
        for key, _ in sel.select(timeout=0.1):
            on_event(sel, key.data, now)
        for c in conns:
            if c.trickle and c.opened and c.closed is None and c.next_line <= now:
                c.send(f"X-Slow-{random.randrange(10**6)}: a\r\n".encode(), now)
            if c.closed is not None and c.sock in sel.get_map():
                sel.unregister(c.sock)
        if not health.running and (all(c.opened for c in conns) or now - started > 1):
            health.start()
        if all(c.opened for c in conns):
            deadline = min(deadline, max(c.opened for c in conns) + grace + 1)
    health.stop()
    sel.close()


def on_event(sel, c, now):
    if c.opened is None:  # connect finished (or failed)
        if c.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
            c.opened = c.closed = now
            sel.unregister(c.sock)
            return
        c.opened = now
        sel.modify(c.sock, selectors.EVENT_READ, c)
        if c.trickle:
            c.send(b"GET /api/v1/health HTTP/1.1\r\nHost: probe\r\n", now)
        return
    try:
        if c.sock.recv(4096):
            return  # an answer (408…) before the close: keep reading
    except OSError:
        pass
    c.closed = now
    sel.unregister(c.sock)


class HealthSampler:
    """Asks for health every half second from its own address while a flood runs."""

    def __init__(self, port, source):
        self.port, self.source, self.answers, self.running = port, source, [], False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.running = True
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            self.answers.append(call(self.port, "GET", "/api/v1/health", source=self.source, timeout=1.0))
            self._stop.wait(0.5)

    def stop(self):
        self._stop.set()
        if self.running:
            self._thread.join()

    def summary(self):
        if not self.answers:
            return "never asked (the flood did not open)"
        good = sum(1 for a in self.answers if a.status == 200 and a.seconds < 1)
        slowest = max((a.seconds for a in self.answers if a.status), default=0)
        return f"{good}/{len(self.answers)} answered 200 within 1 s ({statuses(self.answers)}), slowest {slowest * 1000:.0f} ms"


# ---------------------------------------------------------------- 3. huge arrays


def huge_arrays(t):
    items = ["a"] * 400_000
    body = json.dumps({"contacts": [contact(materiel=items)]}, separators=(",", ":")).encode()
    headers = bearer(t.tokens["big"])
    with RssWatch(t.server) as rss, ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: call(t.port, "POST", "/api/v1/contacts", body, headers, source="127.0.0.30", timeout=60),
                                range(8)))
    biggest = max(a.size for a in answers)
    slowest = max(a.seconds for a in answers)
    t.table.check(f"8 pushes at once of {len(body) / 1e6:.1f} MB (400,000 materiel items)", "400/422, answer < 16 KiB",
                  f"{statuses(answers)}, largest answer {biggest:,} B, slowest {slowest:.2f} s",
                  all(refused(a) and a.size < 16384 for a in answers))
    t.table.check("…server memory during those 8", "RSS growth < 64 MiB, back within 16 MiB", rss.figures(),
                  rss.growth < 64 and rss.after - rss.before < 16)
    t.table.figure(f"huge arrays: {rss.figures()}, largest answer {biggest:,} B")


# ---------------------------------------------------------------- 4. enrolment guessing


def enrolment_guessing(t):
    n = 100 if t.quick else 600
    guesser = KeepAlive(t.port, "127.0.0.1")
    answers = []
    for _ in range(n):
        code = "-".join("".join(random.choices(CODE_ALPHABET, k=5)) for _ in range(3))
        answers.append(guesser.request("POST", "/api/v1/devices", json.dumps({"code": code}), {"Content-Type": "application/json"}))
    guesser.close()
    first = next((i for i, (status, _, _) in enumerate(answers) if status == 429), None)
    limited = answers[first:] if first is not None else []
    well_formed = all(s == 429 and "retry-after" in h and json_code(d) for s, h, d in limited)
    retry = limited[0][1].get("retry-after") if limited else None
    t.table.check(f"{n} wrong enrolment codes from 127.0.0.1", "429 JSON + Retry-After after at most 20",
                  f"first 429 at #{first + 1}, Retry-After {retry}, then {count_statuses(limited)}" if limited
                  else f"no 429: {count_statuses(answers)}",
                  first is not None and first <= 20 and well_formed)

    real = enrol_after_limit(t, t.codes["guess"])
    t.table.check("the real code from 127.0.0.3", "201 (after Retry-After at most)", real, real.startswith("201"))
    lengths = [len(code.replace("-", "")) for code in t.codes.values()]
    alphabet_only = all(set(code.replace("-", "")) <= set(CODE_ALPHABET) for code in t.codes.values())
    t.table.check("enrolment codes printed by `enrol`", "≥ 13 characters of 31 (≥ 60 bits)",
                  f"{min(lengths)} characters, {min(lengths) * math.log2(31):.1f} bits", min(lengths) >= 13 and alphabet_only)


def enrol_after_limit(t, code):
    body = json.dumps({"code": code}).encode()
    a = call(t.port, "POST", "/api/v1/devices", body, {"Content-Type": "application/json"}, source="127.0.0.3")
    if a.status != 429:
        return a.short()
    stated = a.headers.get("retry-after", "")
    if not stated.isdigit() or int(stated) > 65:
        return f"429, Retry-After {stated!r} (not a wait in seconds this probe can make)"
    wait = int(stated)
    time.sleep(wait)
    again = call(t.port, "POST", "/api/v1/devices", body, {"Content-Type": "application/json"}, source="127.0.0.3")
    return f"{again.short()} after waiting {wait} s"


def json_code(data):
    try:
        return isinstance(json.loads(data)["error"]["code"], str)
    except (ValueError, KeyError, TypeError):
        return False


def count_statuses(answers):
    counts = {}
    for status, _, _ in answers:
        counts[status] = counts.get(status, 0) + 1
    return ", ".join(f"{k} × {v}" for k, v in counts.items()) or "nothing"


# ---------------------------------------------------------------- 7. unauthenticated big posts


def unauthenticated_big_posts(t):
    n = 30 if t.quick else 300
    body = b"{" + b" " * (2_000_000 - 2) + b"}"

    def post(i):
        headers = {"Content-Type": "application/json"}
        if i % 2:
            headers["Authorization"] = f"Bearer {os.urandom(32).hex()}"
        return call(t.port, "POST", "/api/v1/contacts", body, headers, source="127.0.0.70", first_wait=1.0)

    with RssWatch(t.server) as rss, ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(post, range(n)))
    early = [a for a in answers if a.status and a.body_sent < len(body)]
    times = sorted(a.seconds for a in answers if a.status)
    median = times[len(times) // 2] if times else 0
    # 429 counts too: a server may limit an address that keeps failing authentication (attack 8).
    t.table.check(f"{n} POSTs of 2 MB without a valid token", "401 (or 429) each, before the body is read; RSS growth < 64 MiB",
                  f"{statuses(answers)}; {len(early)}/{n} answered early; median {median * 1000:.0f} ms; {rss.figures()}",
                  all(a.status in (401, 429) for a in answers) and len(early) == n and rss.growth < 64)
    t.table.figure(f"unauthenticated posts: median answer {median * 1000:.0f} ms, max {max(times, default=0) * 1000:.0f} ms, {rss.figures()}")


# ---------------------------------------------------------------- 8. random tokens


def random_tokens(t):
    n = 30_000 if t.quick else 60_000
    before = served_rate(t)
    with RssWatch(t.server) as rss:
        started = time.monotonic()
        with ThreadPoolExecutor(4) as pool:
            counts = list(pool.map(lambda _: token_flood(t.port, n // 4), range(4)))
        seconds = time.monotonic() - started
    after = served_rate(t)
    retry = ""
    if after < 0.7 * before:  # once more, in case another process took the CPU meanwhile
        second = served_rate(t)
        retry, after = f", again {second:.0f}/s", max(after, second)
    total = {}
    for c in counts:
        for k, v in c.items():
            total[k] = total.get(k, 0) + v
    t.table.check(f"{n} random bearer tokens on /api/v1/contacts/count", "401/429 each; RSS growth < 64 MiB",
                  f"{', '.join(f'{k} × {v}' for k, v in total.items())} in {seconds:.1f} s ({n / seconds:.0f}/s); {rss.figures()}",
                  set(total) <= {401, 429} and rss.growth < 64)
    ratio = after / before if before else 0
    t.table.check("a valid device's request rate, after/before the flood", "≥ 0.7",
                  f"{before:.0f}/s → {after:.0f}/s{retry}, ratio {ratio:.2f}", ratio >= 0.7)
    t.table.figure(f"random tokens: {n / seconds:.0f} requests/s, legitimate {before:.0f}/s → {after:.0f}/s, {rss.figures()}")


def token_flood(port, n):
    client, counts = KeepAlive(port, "127.0.0.80"), {}
    for _ in range(n):
        status, _, _ = client.request("GET", "/api/v1/contacts/count", headers={"Authorization": f"Bearer {os.urandom(32).hex()}"})
        counts[status] = counts.get(status, 0) + 1
    client.close()
    return counts


def served_rate(t, windows=8, window=0.25):
    """Answers per second (200 or 429) a valid device gets on one keep-alive connection over
    2 s: the median of eight quarter-second windows, so that a burst of another process on a
    shared machine does not decide the figure."""
    client, rates = KeepAlive(t.port, "127.0.0.81"), []
    for _ in range(windows):
        served, end = 0, time.monotonic() + window
        while time.monotonic() < end:
            status, _, _ = client.request("GET", "/api/v1/contacts/count", headers={"Authorization": f"Bearer {t.tokens['rate']}"})
            served += status in (200, 429)
        rates.append(served / window)
    client.close()
    return sorted(rates)[windows // 2]


# ---------------------------------------------------------------- residents' reports (issue #15)


def report_flood(t):
    """Residents' reports are public: a burst of 10 requests per address, then one a minute,
    bodies of at most 48 KiB; a resend of one report is stored once."""
    report = {"id": str(uuid.uuid4()), "place_id": t.registry_id, "version": 1, "motif": "autre",
              "texte": "Fermé depuis un mois", "jour": "2026-11-30"}
    body = json.dumps({"reports": [report]}).encode()
    headers = {"Content-Type": "application/json"}
    answers = [call(t.port, "POST", "/api/v1/reports", body, headers, source="127.0.0.130") for _ in range(30)]
    ok = [a for a in answers if a.status == 200]
    limited = [a for a in answers if a.status == 429]
    stored = sum((a.json() or {}).get("stored", 0) for a in ok)
    t.table.check("30 POST /api/v1/reports of one report from 127.0.0.130", "10 × 200 (stored once), then 429 + Retry-After",
                  f"{len(ok)} × 200 (stored {stored}), {len(limited)} × 429, Retry-After {limited[0].headers.get('retry-after') if limited else '-'}",
                  len(ok) == 10 and stored == 1 and len(limited) == 20 and "retry-after" in limited[0].headers)
    neighbour = call(t.port, "POST", "/api/v1/reports", body, headers, source="127.0.0.131")
    t.table.check("the same report from 127.0.0.131 meanwhile", "200, acked, not stored again", neighbour.short(),
                  neighbour.status == 200 and (neighbour.json() or {}).get("stored") == 0)
    big = json.dumps({"reports": [{**report, "texte": "x" * 60_000}]}).encode()
    a = call(t.port, "POST", "/api/v1/reports", big, headers, source="127.0.0.132")
    t.table.check("a report body of 60 KiB", "413 JSON", a.short(), a.status == 413 and a.error_code() is not None)


# ------------------------------------------------------------ consultation counts (issue #15)


def consultation_flood(t):
    """Consultation counts are public: 30 batches a minute per address; a batch id counts once;
    counts beyond a phone's plausible day, and bodies past 64 KiB, are refused whole."""
    today = time.strftime("%Y-%m-%d", time.gmtime())
    batch = {"id": str(uuid.uuid4()), "jours": [{"jour": today, "lieux": [{"id": t.registry_id, "vues": 1}]}]}
    headers = {"Content-Type": "application/json"}
    answers = [call(t.port, "POST", "/api/v1/consultations", json.dumps({**batch, "id": str(uuid.uuid4())}).encode(), headers,
                    source="127.0.0.133") for _ in range(40)]
    ok = sum(a.status == 200 for a in answers)
    limited = [a for a in answers if a.status == 429]
    t.table.check("40 consultation batches from 127.0.0.133", "30 × 200, then 429 + Retry-After",
                  f"{ok} × 200, {len(limited)} × 429", ok == 30 and len(limited) == 10 and "retry-after" in limited[0].headers)
    body = json.dumps(batch).encode()
    again = [call(t.port, "POST", "/api/v1/consultations", body, headers, source="127.0.0.134") for _ in range(2)]
    t.table.check("one batch sent twice from 127.0.0.134", "200 twice, the same id acked",
                  ", ".join(a.short() for a in again), all(a.status == 200 and (a.json() or {}).get("acked") == batch["id"] for a in again))
    inflated = {"id": str(uuid.uuid4()), "jours": [{"jour": today, "lieux": [{"id": t.registry_id, "vues": 1_000_000}]}]}
    a = call(t.port, "POST", "/api/v1/consultations", json.dumps(inflated).encode(), headers, source="127.0.0.134")
    t.table.check("a count of 1,000,000 views in a day", "422 naming the day", a.short(), a.status == 422 and a.error_code() is not None)
    big = json.dumps({**batch, "id": str(uuid.uuid4()), "pad": "x" * 70_000}).encode()
    a = call(t.port, "POST", "/api/v1/consultations", big, headers, source="127.0.0.135")
    t.table.check("a consultations body of 70 KiB", "413 JSON", a.short(), a.status == 413 and a.error_code() is not None)
