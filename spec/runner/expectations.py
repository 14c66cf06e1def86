"""Per-target expectations: the laws a target is known to fail, with why and where it is tracked.

An expectations file is TOML, one table per expected failure; the table name is a law id, or
``LAW@backend`` for one backend of a per-backend law (quote names with ``@``)::

    # flax 0.12: laws it is known to break
    [ST-4]
    reason = "state() returns live Variables since flax 0.11"
    link = "https://github.com/google/flax/issues/0000"

    ["JIT-2@gpu"]
    reason = "donated buffers are reused on gpu"
    link = ""

A law that is expected to fail and fails is reported ``xfail``; one that passes is ``xpass``
(not a failure: the expectation is stale and should go).  An entry naming no law, or a backend on
a law that is not per-backend, is reported as a warning.  Prefer a vector kept under
``tests/vectors/<target>/`` with ``"expect": "fail"`` to an expectation: a vector replays one
exact input, while an expectation waives a whole Hypothesis search.

Parsing uses ``tomllib`` (Python >= 3.11) or ``tomli`` when installed; otherwise a small parser
for exactly this subset: comments, ``[name]`` / ``["name"]`` tables, ``key = "string"`` (basic
or literal strings), booleans and integers.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import ModuleType

from spec.laws import Law

__all__ = ["Expectation", "Expectations", "ExpectationsError", "default_path", "load", "parse", "parse_subset"]


class ExpectationsError(ValueError):
    """A malformed expectations file; the message names the file and line."""


@dataclasses.dataclass(frozen=True)
class Expectation:
    """One expected failure: ``law`` (on ``backend`` only, when given), why, and where tracked."""

    law: str
    backend: str | None
    reason: str
    link: str

    @property
    def key(self) -> str:
        return self.law if self.backend is None else f"{self.law}@{self.backend}"


@dataclasses.dataclass(frozen=True)
class Expectations:
    """The entries of one expectations file (empty when the run has none)."""

    entries: tuple[Expectation, ...] = ()
    source: Path | None = None

    def lookup(self, law_id: str, backend: str | None) -> Expectation | None:
        """Return the entry for ``law_id`` on ``backend``: ``LAW@backend`` first, then ``LAW``."""
        exact = [e for e in self.entries if e.law == law_id and e.backend is not None and e.backend == backend]
        if exact:
            return exact[0]
        return next((e for e in self.entries if e.law == law_id and e.backend is None), None)

    def warnings(self, laws: Iterable[Law]) -> list[str]:
        """Return a warning for every entry that matches no law, or no backend of one."""
        known = {law.id: law for law in laws}
        where = f" in {self.source}" if self.source else ""
        out = []
        for e in self.entries:
            law = known.get(e.law)
            if law is None:
                out.append(f"expectation {e.key!r}{where} matches no law")
            elif e.backend is not None and not law.per_backend:
                out.append(f"expectation {e.key!r}{where} names a backend, but {e.law} is not checked per backend")
            elif not e.reason:
                out.append(f"expectation {e.key!r}{where} gives no reason")
        return out


def _toml() -> ModuleType | None:
    for name in ("tomllib", "tomli"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None


_TABLE = re.compile(r'^\[\s*(?:"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([A-Za-z0-9_@.-]+))\s*\]$')
_PAIR = re.compile(r'^([A-Za-z0-9_-]+)\s*=\s*(.+)$')
_BASIC = re.compile(r'^"((?:[^"\\]|\\.)*)"$')
_LITERAL = re.compile(r"^'([^']*)'$")


def _strip_comment(line: str) -> str:
    quote = None
    i = 0
    while i < len(line):
        ch = line[i]
        if quote is not None:
            if ch == "\\" and quote == '"':
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return line[:i]
        i += 1
    return line


def _value(text: str, where: str) -> object:
    m = _BASIC.match(text)
    if m:
        try:
            return json.loads(f'"{m.group(1)}"')
        except json.JSONDecodeError as e:
            raise ExpectationsError(f"{where}: bad string escape in {text}") from e
    m = _LITERAL.match(text)
    if m:
        return m.group(1)
    if text in ("true", "false"):
        return text == "true"
    if re.fullmatch(r"[+-]?[0-9]+", text):
        return int(text)
    raise ExpectationsError(f"{where}: unsupported value {text!r} (use a quoted string)")


def parse_subset(text: str, source: str = "<expectations>") -> dict[str, object]:
    """Parse the TOML subset of the module docstring into a dict (tables are nested dicts)."""
    doc: dict[str, object] = {}
    table: dict[str, object] = doc
    for n, raw in enumerate(text.splitlines(), 1):
        line = _strip_comment(raw).strip()
        where = f"{source}:{n}"
        if not line:
            continue
        m = _TABLE.match(line)
        if m:
            name = m.group(1) if m.group(1) is not None else m.group(2) or m.group(3)
            if m.group(1) is not None:
                name = json.loads(f'"{name}"')
            if name in doc:
                raise ExpectationsError(f"{where}: table [{name}] is defined twice")
            table = {}
            doc[name] = table
            continue
        m = _PAIR.match(line)
        if not m:
            raise ExpectationsError(f"{where}: expected '[law]' or 'key = \"value\"', found {raw.strip()!r}")
        if m.group(1) in table:
            raise ExpectationsError(f"{where}: key {m.group(1)!r} is defined twice")
        table[m.group(1)] = _value(m.group(2).strip(), where)
    return doc


def parse(text: str, source: str = "<expectations>") -> Expectations:
    """Return the expectations of TOML ``text``."""
    toml = _toml()
    if toml is not None:
        try:
            doc: Mapping[str, object] = toml.loads(text)
        except Exception as e:  # tomllib.TOMLDecodeError / tomli.TOMLDecodeError
            raise ExpectationsError(f"{source}: {e}") from e
    else:
        doc = parse_subset(text, source)
    entries = []
    for key, body in doc.items():
        if not isinstance(body, Mapping):
            continue  # top-level keys (e.g. target = "flax") are informational
        law, _, backend = key.partition("@")
        unknown = sorted(set(body) - {"reason", "link"})
        if unknown:
            raise ExpectationsError(f"{source}: [{key}] has unknown keys {unknown}; expected reason, link")
        entries.append(Expectation(law.strip(), backend.strip().lower() or None,
                                   str(body.get("reason", "")), str(body.get("link", ""))))
    return Expectations(tuple(entries), Path(source) if source != "<expectations>" else None)


def load(path: Path | None) -> Expectations:
    """Read an expectations file; no file means no expectations."""
    if path is None:
        return Expectations()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ExpectationsError(f"cannot read expectations file {path}: {e}") from e
    return parse(text, str(path))


def default_path(target_name: str, target_version: str = "") -> Path | None:
    """The expectations shipped for a target (``spec/targets/expectations``):
    ``<name>-<version>.toml``, else ``<name>.toml``; None when neither exists."""
    import spec.targets

    folder = Path(spec.targets.__file__).with_name("expectations")
    names = ([f"{target_name}-{target_version}.toml"] if target_version else []) + [f"{target_name}.toml"]
    return next((folder / n for n in names if (folder / n).is_file()), None)
