"""Write output files so that a failed build never leaves half a file behind; where the caches live."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def cache_root(config) -> Path:
    """`.cache` beside mkdocs.yml: the PDFs, the pages' transforms and the audit's verdicts between builds."""
    return Path(config.config_file_path or ".").resolve().parent / ".cache"


def write_atomically(target: Path, data: bytes) -> None:
    """Write to a temporary file beside `target`, then rename it; readable by the web server."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the site serves it
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
