"""A listener on 127.0.0.1 that records every request made to it (SSRF tests, issue #18)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def listener() -> Iterator[tuple[int, list[str]]]:
    """Yield the port of a local HTTP server and the list of paths it was asked for."""
    requests: list[str] = []

    class Record(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red; }")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Record)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], requests
    finally:
        server.shutdown()
        server.server_close()


def hostile_texts(port: int) -> list[str]:
    """Names and texts that try to make a PDF renderer fetch from the listener."""
    base = f"http://127.0.0.1:{port}"
    return [
        "Gemeente\n; } } body { background: url(" + base + "/css-url) } "
        "@page { @bottom-left { content: x",
        "Gemeente\n; } } @font-face { font-family: x; src: url(" + base + "/font) } "
        "body { font-family: x } @page { @bottom-left { content: x",
        "Gemeente\n@import url(" + base + "/import);\n",
        '<img src="' + base + '/img">',
        "<link rel=stylesheet href=" + base + "/link>",
        "![x](" + base + "/markdown-image)",
    ]
