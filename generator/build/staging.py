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

A rebuild makes again thousands of files whose bytes have not changed. Each new
file costs an inode and its blocks (0.15-0.6 ms here), a hard link a directory
entry (15 us): `write_file` links the last good site's file where it holds the
same bytes at the same place (`reusing` says, per step, where that site is).
No build changes a file in place (it replaces it), so a file the two sites
share stays what both say.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import filecmp
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


_reused: list[tuple[str, Path]] = []  # (a step's output folder and "/", the last good site)


@contextmanager
def reusing(previous: Path | None, out: Path) -> Iterator[None]:
    """Within the block, `write_file` into `out` (a step's folder, laid out as the site) links the files of
    `previous` (the last good site; None: there is none) whose bytes it would write."""
    if previous is None:
        yield
        return
    entry = (str(out).rstrip(os.sep) + os.sep, previous)
    _reused.append(entry)
    try:
        yield
    finally:
        _reused.remove(entry)


def _previous_of(path: Path) -> Path | None:
    text = str(path)
    for prefix, previous in _reused:
        if text.startswith(prefix):
            return previous / text[len(prefix):]
    return None


def _same(path: Path, data: bytes) -> bool:
    try:
        with open(path, "rb") as fh:
            return os.fstat(fh.fileno()).st_size == len(data) and fh.read(len(data) + 1) == data
    except OSError:
        return False


def write_file(path: Path, data: bytes) -> None:
    """Write a file of the site a build makes: a hard link to the last good site's file where that holds
    these bytes, else a new file; its folder made only when missing (each call costs on a slow disk). What
    is at `path` already is replaced, never written through (it may be a link)."""
    if not _linked(path, lambda previous: _same(previous, data)):
        _place(lambda: _create(path, data), path)


def copy_file(source: Path, path: Path) -> None:
    """`write_file` of a file's bytes (an agency's file published as it is), compared without holding them."""
    def same(previous: Path) -> bool:
        try:
            return os.stat(previous).st_size == os.stat(source).st_size and filecmp.cmp(previous, source,
                                                                                         shallow=False)
        except OSError:
            return False

    if not _linked(path, same):
        if os.path.lexists(path):
            path.unlink()  # copyfile would write through it
        _place(lambda: shutil.copyfile(source, path), path)


def _linked(path: Path, same: Callable[[Path], bool]) -> bool:
    """Whether `path` is now a link to the last good site's file at its place, which `same` found alike."""
    previous = _previous_of(path)
    if previous is None or not same(previous):
        return False
    try:
        _place(lambda: os.link(previous, path), path)
        return True
    except OSError:  # another filesystem, links refused: the caller writes it
        return False


def _create(path: Path, data: bytes) -> None:
    with open(path, "xb") as fh:
        fh.write(data)


def _place(make: Callable[[], None], path: Path) -> None:
    try:
        make()
        return
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        path.unlink()
    make()


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
