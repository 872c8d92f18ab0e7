"""The data files, read safely and parsed: which files a data path stands for (a file, or the
`*.toml` of a folder, after finishing or undoing an interrupted change), each read whole within
a size limit, decoded (UTF-8 with or without a BOM, UTF-16, GB18030) and parsed as TOML, every
failure a located message. `load` builds the model from the documents."""

from __future__ import annotations

import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

from gongfu_cli.errors import GongfuError, Place, Problem
from gongfu_cli.escapes import shown_path
from gongfu_cli.i18n import T, os_reason
from gongfu_cli.store.system import O_BINARY, O_NONBLOCK, blocking

MAX_SIZE = 512 * 1024 * 1024  # far beyond any real programme; refused before it fills memory


def read_text(path: Path) -> str:
    """The file's text, or a clear error for a file that cannot be a data file."""
    return decode_text(read_bytes(path), str(path))


def read_bytes(path: Path) -> bytes:
    """The file's bytes, at most MAX_SIZE of them (a FIFO such as `<(…)` works too)."""
    try:
        fd = os.open(path, os.O_RDONLY | O_NONBLOCK | O_BINARY)
    except FileNotFoundError:
        raise _file_error(path, T("no such file")) from None
    except IsADirectoryError:
        raise _file_error(path, T("is a directory, expected a TOML file")) from None
    except OSError as exc:
        raise _file_error(path, T("cannot read: {reason}", reason=_reason(exc))) from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise _file_error(path, T("is a directory, expected a TOML file"))
        if stat.S_ISREG(st.st_mode) and st.st_size > MAX_SIZE:
            raise _file_error(path, _too_large())
        blocking(fd)
        with os.fdopen(os.dup(fd), "rb") as handle:
            # a regular file's size, not MAX_SIZE: reading allocates what it is asked for
            raw = handle.read(st.st_size + 1 if stat.S_ISREG(st.st_mode) else MAX_SIZE + 1)
            if stat.S_ISREG(st.st_mode) and len(raw) > st.st_size:  # it grew meanwhile
                raw += handle.read(MAX_SIZE + 1 - len(raw))
    except OSError as exc:
        raise _file_error(path, T("cannot read: {reason}", reason=_reason(exc))) from None
    finally:
        os.close(fd)
    if len(raw) > MAX_SIZE:
        raise _file_error(path, _too_large())
    return raw


def _file_error(path: Path, message: str) -> GongfuError:
    """A problem with a file as a whole: it cannot be read, or cannot be a data file."""
    return GongfuError(
        T("{path}: {message}", path=shown_path(path), message=message),
        [Problem(str(path), message)],
    )


def _too_large() -> str:
    return T("larger than {size} MB, far beyond any real data file", size=MAX_SIZE // (1024 * 1024))


def _reason(exc: OSError) -> str:
    return os_reason(exc) if exc.strerror else str(exc)


def decode_text(raw: bytes, name: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("gbk")
        except UnicodeDecodeError:
            hint = T("save it as UTF-8")
        else:
            import shlex

            source, converted = (
                shlex.quote(shown_path(name)),
                shlex.quote(shown_path(name) + ".utf8"),
            )
            command = f"iconv -f GBK -t UTF-8 {source} > {converted} && mv {converted} {source}"
            hint = T(
                "it looks like GBK (as some Windows editors save); convert it with: {command}",
                command=command,
            )
        message = T("not UTF-8 text (byte {byte}); {hint}", byte=exc.start + 1, hint=hint)
        raise GongfuError("", [Problem(name, message, Place(line=line))]) from None
    if not text.strip():
        raise GongfuError(
            "",
            [
                Problem(
                    name,
                    T(
                        "the file is empty; a data file needs at least one [[buses]] table (see "
                        "`gongfu init`)"
                    ),
                    Place(line=1),
                )
            ],
        )
    return text


_TOML_POS = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


_TOML_END = re.compile(r"\s*\(at end of document\)$")


def parse(text: str, name: str) -> dict[str, Any]:
    """TOML text as a dict, or an error placed at the line and column of the syntax error."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        place = Place()
        if match := _TOML_POS.search(message):
            place = Place(line=int(match.group(1)), column=int(match.group(2)))
            message = message[: match.start()]
        elif match := _TOML_END.search(message):
            last = text.rstrip("\n").rsplit("\n", 1)[-1]
            place = Place(line=text.rstrip("\n").count("\n") + 1, column=len(last) + 1)
            message = T("{message} (at the end of the file)", message=message[: match.start()])
        problem = T("TOML syntax error: {message}", message=message)
        raise GongfuError("", [Problem(name, problem, place)]) from None
    except RecursionError:
        raise GongfuError("", [Problem(name, T("TOML nesting too deep to read"))]) from None
    except ValueError:  # an integer too long for Python to convert (over 4,300 digits)
        match = _LONG_DIGITS.search(text)
        line = text.count("\n", 0, match.start()) + 1 if match else None
        problem = T("a number with thousands of digits; numbers must lie between -1e15 and 1e15")
        raise GongfuError("", [Problem(name, problem, Place(line=line))]) from None


_LONG_DIGITS = re.compile(r"[0-9_]{4000,}")


def data_files(path: Path, recover: bool = True) -> list[Path]:
    """The files a data path stands for: itself, or every *.toml in a directory, by name.

    Opening a directory first finishes (or undoes) a change a killed process left half done;
    `recover=False` is for the writer that holds the directory's lock and has done so."""
    try:
        is_dir = stat.S_ISDIR(os.stat(path).st_mode)
    except FileNotFoundError:
        raise _file_error(path, T("no such file")) from None
    except OSError as exc:
        raise _file_error(path, T("cannot read: {reason}", reason=_reason(exc))) from None
    if is_dir:
        if recover:
            from gongfu_cli.store import journal

            journal.recover(path)
        try:
            files = sorted(path.glob("*.toml"))
        except OSError as exc:
            raise _file_error(path, T("cannot read: {reason}", reason=_reason(exc))) from None
        if not files:
            raise _file_error(path, T("directory holds no *.toml data file"))
        problems = [Problem(str(f), why) for f in files if (why := _not_data(f)) is not None]
        if problems:
            raise GongfuError("", problems)
        return files
    return [path]


def _not_data(path: Path) -> str | None:
    """Why a `*.toml` entry of a data directory cannot be read as a data file, or None.

    Skipping it would silently drop that agency's buses from every figure, so a dangling
    link, a FIFO, a device, a folder or a file nobody lets us read is an error naming it.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        target = _link_target(path)
        if target:
            return T("a symbolic link to {target}, which does not exist", target=target)
        return T("no such file")
    except OSError as exc:
        return T("cannot read: {reason}", reason=_reason(exc))
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        return T("a directory named like a data file; rename it or move it out of the data folder")
    if not stat.S_ISREG(mode):
        kind = (T("a named pipe (FIFO)") if stat.S_ISFIFO(mode) else T("a socket")
                if stat.S_ISSOCK(mode) else T("a device"))  # fmt: skip
        return T("{kind}, not a regular file; a data folder holds only data files", kind=kind)
    if not os.access(path, os.R_OK):
        return T("cannot read: {reason}", reason=T("permission denied"))
    return None


def _link_target(path: Path) -> str | None:
    try:
        return os.readlink(path)
    except OSError:
        return None


Document = tuple[str, str, dict[str, Any]]  # file name, text, parsed TOML


def read_documents(path: Path) -> list[Document]:
    """Read and parse the file, or each *.toml file of a directory; syntax errors stop here."""
    docs = []
    for file in data_files(path):
        text = read_text(file)
        docs.append((str(file), text, parse(text, str(file))))
    return docs
