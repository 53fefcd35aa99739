"""Reading user-named files safely: regular files of bounded size only.

A scenario names other files (`extends`, `population.graph.file`); a typo or a hostile value
can point at `/dev/zero`, a FIFO, a directory or a 100 GB sparse file. Every such file is
opened without blocking, checked to be a regular file on the open descriptor (no race
between the check and the read) and read no further than its limit, so a bad path costs
one clear error instead of a hang or a memory blow-up.

>>> import tempfile, os
>>> d = tempfile.mkdtemp()
>>> check_regular_file(d, 10)
Traceback (most recent call last):
...
sim.scenario.files.UnsafeFileError: is a directory, not a file
"""

from __future__ import annotations

import os
import stat

#: Largest scenario file read (bytes). Shipped scenarios are under 2 KB; 64 KiB is thousands
#: of keys, which the pure-Python YAML parser reads in about a second.
MAX_SCENARIO_BYTES = 64 << 10

#: Largest graph file read (bytes): about 100 million CSV edges; the memory estimate
#: (`sim.model.memory`) decides whether the graph it holds fits this machine.
MAX_GRAPH_BYTES = 2 << 30


#: Largest history file a fit reads (bytes): a daily history of a century is under 1 MiB.
MAX_HISTORY_BYTES = 64 << 20


class UnsafeFileError(ValueError):
    """A named file that is missing, not a regular file, or larger than allowed."""


def _describe(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a directory, not a file"
    if stat.S_ISFIFO(mode):
        return "is a FIFO (named pipe), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a regular file"
    return "is not a regular file"


def _size_text(n: int) -> str:
    return f"{n / (1 << 20):,.1f} MiB" if n >= 1 << 20 else f"{n:,} bytes"


def check_regular_file(path: str | os.PathLike, max_bytes: int) -> int:
    """Raise `UnsafeFileError` unless `path` is a regular file of at most `max_bytes`; return its size.

    Only `stat` is called (never `open`), so a FIFO or device is refused without blocking.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise UnsafeFileError("file not found") from None
    except OSError as exc:
        raise UnsafeFileError(f"cannot read file: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise UnsafeFileError(_describe(st.st_mode))
    if st.st_size > max_bytes:
        raise UnsafeFileError(f"is {_size_text(st.st_size)}; the limit is {_size_text(max_bytes)}")
    return st.st_size


def open_regular(path: str | os.PathLike, max_bytes: int):
    """Open `path` for binary reading after checking, on the open descriptor, that it is a regular file.

    The file is opened non-blocking, so a FIFO swapped in after a check cannot hang the
    reader. Raises `UnsafeFileError` with a one-line reason.
    """
    check_regular_file(path, max_bytes)
    try:
        fd = os.open(os.fspath(path), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise UnsafeFileError(f"cannot read file: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeFileError(_describe(st.st_mode))
        if st.st_size > max_bytes:
            raise UnsafeFileError(f"is {_size_text(st.st_size)}; the limit is {_size_text(max_bytes)}")
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def read_bytes(path: str | os.PathLike, max_bytes: int) -> bytes:
    """The contents of a regular file of at most `max_bytes` (a file growing past it is refused too)."""
    with open_regular(path, max_bytes) as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UnsafeFileError(f"is larger than the limit of {_size_text(max_bytes)}")
    return data


def read_text(path: str | os.PathLike, max_bytes: int) -> str:
    """The UTF-8 text of a regular file of at most `max_bytes`; a decoding error names the line."""
    data = read_bytes(path, max_bytes)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UnsafeFileError(f"line {line}: not UTF-8 text (byte {exc.start})") from None


__all__ = ["MAX_GRAPH_BYTES", "MAX_HISTORY_BYTES", "MAX_SCENARIO_BYTES", "UnsafeFileError", "check_regular_file",
           "open_regular", "read_bytes", "read_text"]
