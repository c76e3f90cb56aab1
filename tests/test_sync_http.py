"""How a sync client meets a server that is busy, wrong or gone (real HTTP on 127.0.0.1):
429 and 503 become Busy with the server's Retry-After, an answer that is not the API's and a
refused connection become one sentence."""

from __future__ import annotations

import json
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tui_news.core.sync.remote import AuthFailed, Busy, ServerUnreachable, SessionExpired
from tui_news.core.sync.ttrss import TtRss


class Answer:
    status = 200
    body = b""
    headers: dict[str, str] = {}


@pytest.fixture
def answering() -> Iterator[tuple[str, type[Answer]]]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(Answer.status)
            for name, value in Answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(Answer.body)))
            self.end_headers()
            self.wfile.write(Answer.body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Answer.status, Answer.body, Answer.headers = 200, b"", {}
    yield f"http://127.0.0.1:{server.server_port}/tt-rss", Answer
    server.shutdown()
    server.server_close()


def api(status: int, content: object) -> bytes:
    return json.dumps({"seq": 0, "status": status, "content": content}).encode()


def test_busy_answers_carry_the_servers_wait(answering: tuple[str, type[Answer]]) -> None:
    url, answer = answering
    client = TtRss(url, "me", "pw", "sid")
    answer.status, answer.headers = 429, {"Retry-After": "7"}
    with pytest.raises(Busy) as busy:
        client.feeds()
    assert busy.value.retry_after == 7.0
    assert str(busy.value) == f"{url}/api/ is busy (HTTP 429); try again later"
    answer.status, answer.headers = 503, {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}
    with pytest.raises(Busy) as busy:
        client.unread_ids()
    assert busy.value.retry_after is None
    client.close()


def test_api_errors_and_strange_answers(answering: tuple[str, type[Answer]]) -> None:
    url, answer = answering
    client = TtRss(url + "/", "me", "pw", "sid")
    answer.body = api(1, {"error": "NOT_LOGGED_IN"})
    with pytest.raises(SessionExpired):
        client.starred_ids()
    answer.body = api(1, {"error": "LOGIN_ERROR"})
    with pytest.raises(AuthFailed, match="refused the user name or password"):
        client.login()
    answer.body = api(1, {"error": "API_DISABLED"})
    with pytest.raises(AuthFailed, match="Enable API"):
        client.login()
    answer.body = b"<html>a login page</html>"
    with pytest.raises(ServerUnreachable, match="does not answer as Tiny Tiny RSS's API"):
        client.feeds()
    answer.status, answer.body = 404, b"not here"
    with pytest.raises(ServerUnreachable, match="answered HTTP 404"):
        client.feeds()
    client.close()
    gone = TtRss("http://127.0.0.1:9/", "me", "pw", None)
    with pytest.raises(ServerUnreachable, match=r"^cannot reach http://127.0.0.1:9/api/"):
        gone.login()
    gone.close()


def test_an_https_server_is_still_checked_for_its_certificate(tmp_path: Path) -> None:
    # (a plain http address loads no certificate store: the client never leaves its origin)
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
         "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = api(0, {"session_id": "s"})
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    client = TtRss(f"https://127.0.0.1:{server.server_port}/", "me", "pw", None)
    try:
        with pytest.raises(ServerUnreachable, match="CERTIFICATE_VERIFY_FAILED"):
            client.login()  # a self-signed certificate: refused
    finally:
        client.close()
        server.shutdown()
        server.server_close()
