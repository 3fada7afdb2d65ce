"""The probe's HTTP client: any 127.x source address, bodies streamed while watching for an
early answer, answers measured (status, size, time) rather than trusted. Standard library only.
"""
import http.client
import json
import selectors
import socket
import time
from collections import Counter
from dataclasses import dataclass, field

# Every status the server answered, over the whole run: the probe fails on any 5xx.
STATUSES = Counter()


@dataclass
class Answer:
    status: int  # 0: no answer (closed, reset or timed out)
    headers: dict = field(default_factory=dict)  # lower-case names
    body: bytes = b""  # the first `keep` bytes
    size: int = 0  # the whole body's length
    seconds: float = 0.0  # from connecting to the status line read
    body_sent: int = 0  # bytes of the request body sent before the answer came
    error: str = ""

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def error_code(self):
        doc = self.json()
        error = doc.get("error") if isinstance(doc, dict) else None
        return error.get("code") if isinstance(error, dict) else None

    def detail_fields(self):
        doc = self.json() or {}
        details = (doc.get("error") or {}).get("details") or [] if isinstance(doc, dict) else []
        return [d.get("field", "") for d in details if isinstance(d, dict)]

    def names(self, name):
        """True if a detail names `name` (as `name` or `….name`)."""
        return any(f == name or f.endswith("." + name) for f in self.detail_fields())

    def short(self):
        if not self.status:
            return f"no answer ({self.error})"
        return f"{self.status} {self.error_code() or ''} {self.size} B".replace("  ", " ")


def connect(port, source="127.0.0.1", timeout=10):
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def call(port, method, path, body=b"", headers=None, source="127.0.0.1", timeout=10, keep=1 << 20, first_wait=None):
    """One request on a new connection. The body is streamed while watching for an early
    answer, so a server that refuses before reading everything is seen doing so (and its
    answer read, not lost to a reset). With `first_wait`, only the first 64 KiB are sent
    until the answer has had that long to come."""
    head = {"Host": "probe", "Connection": "close", **(headers or {})}
    if body or method in ("POST", "PUT"):
        head.setdefault("Content-Length", str(len(body)))
    text = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in head.items()) + "\r\n"
    answer = Answer(status=0)
    started = time.monotonic()
    try:
        sock = connect(port, source, timeout)
    except OSError as e:
        answer.error = f"connect: {e.__class__.__name__}"
        return answer
    with sock:
        try:
            sock.sendall(text.encode("latin-1"))
            answer.body_sent = _send_body(sock, memoryview(body), timeout, first_wait)
        except OSError:
            pass  # refused mid-body: the answer may still be there to read
        try:
            _read_answer(sock, method, answer, keep, started)
        except (OSError, http.client.HTTPException) as e:
            answer.error = e.__class__.__name__
    if answer.status:
        STATUSES[answer.status] += 1
    return answer


def _send_body(sock, body, timeout, first_wait):
    """Sends until done or until the server has something to say; returns the bytes sent."""
    sent, deadline = 0, time.monotonic() + timeout
    with selectors.DefaultSelector() as sel:
        sel.register(sock, selectors.EVENT_READ | selectors.EVENT_WRITE)
        while sent < len(body) and time.monotonic() < deadline:
            if first_wait is not None and sent >= 65536:
                ready = select_read(sock, first_wait)
                first_wait = None
                if ready:
                    return sent
            events = sel.select(timeout=0.5)
            if any(mask & selectors.EVENT_READ for _, mask in events):
                return sent
            if any(mask & selectors.EVENT_WRITE for _, mask in events):
                sent += sock.send(body[sent:sent + 65536])
    return sent


def select_read(sock, seconds):
    with selectors.DefaultSelector() as sel:
        sel.register(sock, selectors.EVENT_READ)
        return bool(sel.select(timeout=seconds))


def _read_answer(sock, method, answer, keep, started):
    response = http.client.HTTPResponse(sock, method=method)
    response.begin()
    answer.seconds = time.monotonic() - started
    answer.status = response.status
    answer.headers = {k.lower(): v for k, v in response.getheaders()}
    kept = bytearray()
    while chunk := response.read(65536):
        answer.size += len(chunk)
        if len(kept) < keep:
            kept += chunk[:keep - len(kept)]
    answer.body = bytes(kept)


class KeepAlive:
    """A persistent connection for floods (tens of thousands of requests would exhaust one
    source address's ports if each had its own connection). Reconnects when the server closes."""

    def __init__(self, port, source, timeout=10):
        self.port, self.source, self.timeout = port, source, timeout
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout,
                                                       source_address=(self.source, 0))
            try:
                self.conn.request(method, path, body=body, headers={"Host": "probe", **(headers or {})})
                response = self.conn.getresponse()
                data = response.read()
                STATUSES[response.status] += 1
                headers = {k.lower(): v for k, v in response.getheaders()}
                if headers.get("connection", "").lower() == "close":
                    self.close()
                return response.status, headers, data
            except (OSError, http.client.HTTPException):
                self.close()
                if attempt == 2:
                    return 0, {}, b""

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None
