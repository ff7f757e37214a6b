"""Where a build writes before it is published, and the swap that publishes it.

The site is made in a staging folder beside the output; only a build that
succeeded is swapped in. On Linux the swap is one `renameat2(RENAME_EXCHANGE)`:
the new site takes the old one's name and the old one takes the staging
folder's, in one step, so a reader (a web server, `opendata serve`) finds a
whole `site/` at every moment. Where the call is missing (another kernel, a
filesystem without it), the swap falls back to two renames.

Deleting the replaced site costs as much as writing one on a slow disk (tens
of thousands of entries), and nothing waits for it: `retire` moves it into a
trash folder beside the output and deletes it in a detached process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

AT_FDCWD = -100
RENAME_EXCHANGE = 2


def staging_folder(out: Path, what: str = "staging") -> Path:
    """A new empty folder beside `out` (same filesystem, so the swap is a rename)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.{what}-", dir=out.parent))


def _renameat2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        call = libc.renameat2
    except (OSError, AttributeError):  # glibc before 2.28, musl without it
        return None
    call.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    call.restype = ctypes.c_int
    return call


_RENAMEAT2 = _renameat2()


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths atomically; False when this system cannot (the caller falls back)."""
    if _RENAMEAT2 is None:
        return False
    if _RENAMEAT2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _delete(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def swap(staging: Path, out: Path, discard: Callable[[Path], None] = _delete) -> None:
    """Publish `staging` as `out`; `discard(old)` disposes of the site it replaces (default: delete it now)."""
    if not out.is_dir():
        staging.rename(out)
        return
    if exchange(staging, out):
        discard(staging)  # now the previous site
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    old.rmdir()
    out.rename(old)
    staging.rename(out)
    discard(old)


TRASH = ".opendata-trash"
# Deletes what the trash holds, then the trash itself once empty; `&` leaves rm to init, so no process of
# ours waits for it and none is left unreaped.
_SWEEP = 'rm -rf -- "$1"/* >/dev/null 2>&1 && rmdir -- "$1" >/dev/null 2>&1 &'


def retire(folder: Path) -> None:
    """Delete `folder` (a replaced site, a build's work) without waiting: moved into the trash beside it
    (one rename, so it is gone from its place at once), then removed by a detached `rm`. Where that cannot start, or the
    trash is on another filesystem, the folder is deleted here and now."""
    trash = folder.parent / TRASH
    try:
        trash.mkdir(exist_ok=True)
        target = Path(tempfile.mkdtemp(prefix="site-", dir=trash))
        os.rename(folder, target / "old")
    except OSError:
        _delete(folder)
        return
    try:
        pid = os.posix_spawnp("sh", ["sh", "-c", _SWEEP, "sh", str(trash)], os.environ, setsid=True)
        os.waitpid(pid, 0)
    except OSError:
        _delete(trash)
