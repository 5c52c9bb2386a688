"""The live server of the browser and concurrency tests survives a client that drops it.

Chromium drops connections at will. Werkzeug's development server then skipped the
response's ``close()`` and left the static file open; its ``ResourceWarning`` (an error
here) failed whichever browser test ran at that moment (CI, December 2026). With the bare
app this test fails on about 15 of its 20 requests; :func:`tests.conftest.buffered` closes
every response before the server touches the socket again.
"""

from __future__ import annotations

import gc
import socket
import struct
import threading
import time
from pathlib import Path

from werkzeug.serving import make_server

from tests.conftest import buffered, make_app


def test_a_dropped_connection_leaves_no_file_open(tmp_path: Path):
    app = make_app(tmp_path, SERVER_NAME=None)
    server = make_server("127.0.0.1", 0, buffered(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for _ in range(20):
            with socket.create_connection(("127.0.0.1", server.port)) as client:
                # close with a reset (linger 0), as a browser that gives up does
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                # a body still owed: the server reads the socket again after answering
                client.sendall(
                    b"GET /static/favicon.svg HTTP/1.1\r\nHost: localhost\r\n"
                    b"Content-Length: 1000\r\n\r\nabc"
                )
                assert client.recv(100).startswith(b"HTTP/1.1 200")
        time.sleep(0.3)  # the server threads finish with the dropped sockets
        gc.collect()  # an unclosed file would warn here (an error under filterwarnings)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
