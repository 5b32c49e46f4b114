"""Files and folders that sezkg writes: all-or-nothing, never over something it did not make.

- A file is written to a temporary file beside it and renamed over it: readers see the old
  file or the new one, never a part.
- A folder (report, viz, site, tables) is built beside its target and exchanged with it in
  one atomic step (Linux `renameat2(RENAME_EXCHANGE)`; elsewhere two renames, with the old
  folder put back by the next run if the process dies between them).
- A folder is replaced only if it is empty or holds the marker file of an earlier sezkg
  build; anything else is refused (exit 2) unless the caller forces it, and even then the
  filesystem root, the home folder and any folder holding the working directory are refused.
- Temporary files and folders carry the process id in their names, so a later run removes
  those of processes that died (killed exports leave nothing behind for long).
- Everything gets the user's umask, as files made by `cp` or an editor would.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import re
import secrets
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import OutputError, os_error

MARKER = ".sezkg-build"
_TEMP = re.compile(r"^\.(?P<name>.+)\.sezkg-(?P<pid>\d+)-[A-Za-z0-9_]+\.(?P<kind>tmp|new|old)$")
_UMASK_LOCK = threading.Lock()


def umask() -> int:
    with _UMASK_LOCK:
        current = os.umask(0o022)
        os.umask(current)
    return current


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(folder: Path, name: str) -> list[Path]:
    """Remove the temporary files and folders of dead sezkg processes for `name` in `folder`.

    An `.old` folder of a dead process whose target is missing is put back instead: that is
    what a kill between the two renames of a non-atomic swap leaves behind.
    """
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in sorted(entries):
        match = _TEMP.match(entry.name)
        if not match or match.group("name") != name or _alive(int(match.group("pid"))):
            continue
        target = folder / name
        try:
            if match.group("kind") == "old" and not target.exists() and (entry / MARKER).exists():
                os.replace(entry, target)
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed.append(entry)
        except OSError:
            continue
    return removed


def _temp_name(path: Path, kind: str) -> Path:
    token = secrets.token_hex(6)  # random like mkstemp's names, through a public API
    return path.parent / f".{path.name}.sezkg-{os.getpid()}-{token}.{kind}"


@contextlib.contextmanager
def atomic_writer(path: Path | str) -> Iterator[BinaryIO]:
    """A binary handle whose bytes replace `path` only when the block ends without error."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise OutputError(path, "is a folder; give a file name to write")
    if not folder.is_dir():
        blocker = _in_the_way(folder)
        raise OutputError(path, f"cannot write: {blocker}" if blocker
                          else f"cannot write: the folder {folder} does not exist")
    clean_stale(folder, path.name)
    tmp = _temp_name(folder / path.name, "tmp")
    try:
        handle = open(tmp, "xb")
    except FileNotFoundError:  # the folder is there, but its file system makes nothing in it (/proc)
        raise OutputError(path, f"cannot write: the file system of {folder} takes no new files") from None
    except OSError as exc:
        raise os_error(path, exc, "write") from None
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        mode = (path.stat().st_mode & 0o7777) if path.exists() else (0o666 & ~umask())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise os_error(path, exc, "write") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_atomic(path: Path | str, data: bytes) -> None:
    """Write bytes so that readers see the old file or the new one, never a part."""
    with atomic_writer(path) as handle:
        handle.write(data)


TEXT_CHUNK = 1 << 22  # characters encoded at a time by write_text_atomic


def write_text_atomic(path: Path | str, text: str | list[str]) -> None:
    """Write text (or the texts of a list, one after another) as UTF-8, as write_atomic does
    bytes, encoding a few MB at a time: a page of a large KG (the network at ~5M triples:
    ~190 MB) is not held twice, as text and as bytes."""
    with atomic_writer(path) as handle:
        for part in [text] if isinstance(text, str) else text:
            for start in range(0, len(part), TEXT_CHUNK):
                handle.write(part[start:start + TEXT_CHUNK].encode("utf-8"))


def _in_the_way(folder: Path) -> str | None:
    """What stands where `folder` or a parent of it should be, if anything does: the nearest of
    them that exists, when it is not a folder. Nothing can be written under it, and "does not
    exist" or "File exists" would say the wrong thing."""
    for candidate in (folder, *folder.parents):
        if candidate.is_dir():
            return None
        if candidate.is_file():
            return f"{candidate} is a file, not a folder"
        if candidate.is_symlink():
            return f"{candidate} is a link to nothing, not a folder"
        if candidate.exists():
            return f"{candidate} is not a folder"
    return None


# ---------------------------------------------------------------- folders

def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if result == 0:
        return True
    errno = ctypes.get_errno()
    if errno in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: the filesystem cannot exchange
        return False
    raise OSError(errno, os.strerror(errno), str(b))


def check_replaceable(target: Path, force: bool = False, kind: str | None = None) -> None:
    """Refuse to replace a folder sezkg did not build (or any non-folder), before any work; with
    `kind`, also one sezkg built as another kind (`sezkg tables` over a report)."""
    target = target.absolute()
    resolved = target.resolve()
    cwd = Path.cwd().resolve()
    if resolved == Path(resolved.anchor) or resolved == Path.home().resolve() or cwd.is_relative_to(resolved):
        raise OutputError(target, "refusing to replace this folder: it is the filesystem root, your home folder "
                                  "or holds the working directory; choose a new folder for the output")
    blocker = _in_the_way(target.parent)
    if blocker is not None:
        raise OutputError(target, f"cannot create the folder: {blocker}")
    if not target.exists() and not target.is_symlink():
        return
    if not target.is_dir() or target.is_symlink():
        raise OutputError(target, "exists and is not a folder; choose a folder name for the output")
    if force:
        return
    if (target / MARKER).is_file():
        built = _built_as(target / MARKER)
        if kind is not None and built is not None and built != kind:
            raise OutputError(target, f"was built by `sezkg {built}`, not `sezkg {kind}`, so it is not replaced; "
                                      "choose another folder, or pass --force")
        return
    try:
        empty = not any(target.iterdir())
    except OSError as exc:
        raise os_error(target, exc, "read the folder") from None
    if not empty:
        raise OutputError(target, f"exists and was not built by sezkg (no {MARKER} file in it), so it is not "
                                  "replaced; choose another folder, empty this one, or pass --force")


def _built_as(marker: Path) -> str | None:
    """The kind of output a marker says its folder is (None for one that does not say)."""
    try:
        found = re.match(r"built by sezkg (\w+)", marker.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None
    return found.group(1) if found else None


@contextlib.contextmanager
def building_folder(target: Path | str, kind: str, force: bool = False) -> Iterator[Path]:
    """Yield a fresh folder beside `target`; when the block ends without error it takes the
    place of `target` in one step. On error the new folder is removed and `target` is as it was.
    """
    target = Path(target).absolute()
    check_replaceable(target, force, kind)
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise os_error(parent, exc, "create the folder") from None
    clean_stale(parent, target.name)
    building = _temp_name(target, "new")
    try:
        building.mkdir(mode=0o777 & ~umask())
    except FileNotFoundError:  # the folder is there, but its file system makes nothing in it (/proc)
        raise OutputError(target, f"cannot create the folder: the file system of {parent} takes no new "
                                  "folders") from None
    except OSError as exc:
        raise os_error(parent, exc, "create a folder in it") from None
    try:
        (building / MARKER).write_text(f"built by sezkg {kind}; sezkg replaces this folder whole\n", encoding="utf-8")
        yield building
        try:
            _swap_in(building, target)
        except OSError as exc:
            raise os_error(target, exc, "put the new folder in place") from exc
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


def _swap_in(built: Path, target: Path) -> None:
    if not target.exists():
        os.replace(built, target)
        return
    if _exchange(built, target):  # `built` now holds the old folder
        shutil.rmtree(built, ignore_errors=True)
        return
    old = _temp_name(target, "old")
    os.replace(target, old)
    os.replace(built, target)
    shutil.rmtree(old, ignore_errors=True)
