"""Keys kept in the instance folder for development and the demo (production sets them)."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path


def instance_secret(instance_path: Path, name: str = "secret_key") -> str:
    """A random key kept in the instance folder (mode 0600), so it survives a restart.

    Only for development and the demo; production sets SECRET_KEY and
    LINKING_KEY itself. The file is created readable by its owner only from
    the first byte, and only once, even when two processes start together.
    """
    path = instance_path / name
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(32))
    for _ in range(50):  # another process may be writing it right now
        text = path.read_text().strip()
        if text:
            return text
        time.sleep(0.01)
    raise RuntimeError(f"{path} is empty: delete it and start again.")
