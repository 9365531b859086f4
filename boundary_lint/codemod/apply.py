"""``boundary-lint fix``: the file-level driver around the plan and the libcst transform.

Per file: read the bytes, decode as Python does (coding cookie, BOM), run the
checker; only a file with a planned rewrite is handed to libcst. The result
must parse (libcst and ``ast``); it is re-checked and re-planned until nothing
is left to rewrite, so a second run changes nothing. Then it is shown as a
unified diff, or written atomically (a temporary file in the same folder,
then ``os.replace``) with the original encoding, BOM and newlines. Files with
nothing to rewrite are never opened for writing.
"""

from __future__ import annotations

import ast
import codecs
import dataclasses
import difflib
import io
import os
import re
import stat
import tempfile
import time
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from boundary_lint.adapters.source_files import check_file
from boundary_lint.languages import PYTHON_SUFFIXES
from boundary_lint.adapters.files import iter_files
from boundary_lint.adapters.runner import default_excludes
from boundary_lint.model import Finding, Problem
from boundary_lint.registry import ConfigError, Registry
from boundary_lint.codemod import reasons
from boundary_lint.codemod.calls import ClientSpec, client_specs
from boundary_lint.codemod.client_methods import client_class, module_path, package_root
from boundary_lint.codemod.decisions import CallRewrite, FilePlan, KnownClient, MissingMethod
from boundary_lint.codemod.plan import Planner, plan_source
from boundary_lint.codemod.reasons import Refusal

MAX_PASSES = 3


@dataclass
class FileOutcome:
    path: str
    rewrites: List[CallRewrite] = field(default_factory=list)
    left: List[Tuple[Finding, Refusal]] = field(default_factory=list)
    missing: List[MissingMethod] = field(default_factory=list)
    notes: List[Tuple[int, str]] = field(default_factory=list)  # about the rewritten file, for a reviewer
    diff: str = ""
    written: bool = False


@dataclass
class FixRun:
    files: List[FileOutcome] = field(default_factory=list)
    problems: List[Problem] = field(default_factory=list)
    unowned_files: int = 0
    seconds: float = 0.0
    libcst_seconds: float = 0.0
    owners_with_clients: Dict[str, ClientSpec] = field(default_factory=dict)  # for the contract's refusals
    run_files: Any = None  # the RunFiles of the run (where client modules were looked for)

    @property
    def changed(self) -> List[FileOutcome]:
        return [f for f in self.files if f.diff]


@dataclass
class Source:
    text: str  # as decoded, newlines as in the file
    encoding: str
    bom: bool


def decode(data: bytes) -> Source:
    """Bytes -> text as Python reads them (PEP 263 cookie or BOM), keeping what is needed
    to write the same bytes back."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    bom = data.startswith(codecs.BOM_UTF8)
    text = data[len(codecs.BOM_UTF8):].decode("utf-8") if bom else data.decode(encoding)
    return Source(text, "utf-8" if encoding == "utf-8-sig" else encoding, bom)


def encode(source: Source, text: str) -> bytes:
    return (codecs.BOM_UTF8 if source.bom else b"") + text.encode(source.encoding)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step, keeping its permission bits.

    A symlink's target is written (the link stays a link). A process killed between
    the temporary file and the rename leaves ``.NAME.XXXXXXXX.tmp`` beside the file:
    never read by a run, and removed by the next write of that file.
    """
    path = Path(os.path.realpath(path))
    mode = stat.S_IMODE(path.stat().st_mode)
    handle, temporary = tempfile.mkstemp(dir=str(path.parent), prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    stale = re.compile(r"\.%s\.[a-z0-9_]{8}\.tmp" % re.escape(path.name))
    for leftover in path.parent.iterdir():
        if stale.fullmatch(leftover.name):
            leftover.unlink(missing_ok=True)


class RunFiles:
    """The code around a run: who mentions a name (a module constant another file might
    import is kept; the run's files and every Python file under the registry's folder are
    searched, once, on first need), and the owning services' client classes."""

    def __init__(self, files: Sequence[Tuple[Path, str]], registry: Registry) -> None:
        self.run_files = [path for path, _ in files if path.suffix in PYTHON_SUFFIXES]
        self.registry = registry
        self.current: Optional[Path] = None
        self._texts: Optional[Dict[Path, str]] = None
        self._clients: Dict[Tuple[str, str], KnownClient] = {}

    def mentioned_elsewhere(self, name: str) -> bool:
        if self._texts is None:
            self._texts = {}
            around = [p for p, _ in iter_files([str(self.registry.root)], self.registry.settings.exclude,
                                               defaults=default_excludes(self.registry))]
            for path in [*self.run_files, *around]:
                key = Path(os.path.realpath(path))  # Path.resolve() raises on a symlink loop
                if key in self._texts or path.suffix not in PYTHON_SUFFIXES:
                    continue
                try:
                    self._texts[key] = path.read_text(encoding="utf-8", errors="replace")
                except OSError:
                    continue
        current = Path(os.path.realpath(self.current)) if self.current is not None else None
        word = re.compile(r"\b%s\b" % re.escape(name))
        return any(word.search(text) for path, text in self._texts.items() if path != current)

    def clients(self, owner: str, path: str) -> List[KnownClient]:
        """The owner's clients as Python would import them from the file at ``path``."""
        roots = self._roots(self.current or Path(path))
        return [self._client(spec, roots) for spec in client_specs(self.registry.services[owner])]

    def _roots(self, file: Path) -> Tuple[Path, ...]:
        """Where ``import x.y`` may find ``x`` for this file: the folder above its package
        root, then each folder above that up to the registry's (and the working folder)."""
        folder = package_root(Path(os.path.realpath(file)).parent)
        registry_root = Path(os.path.realpath(self.registry.root))
        roots = [folder]
        while folder != registry_root and registry_root in folder.parents:
            folder = folder.parent
            roots.append(folder)
        roots += [registry_root, Path.cwd()]
        return tuple(dict.fromkeys(roots))

    def _client(self, spec: ClientSpec, roots: Tuple[Path, ...]) -> KnownClient:
        candidate, exists = module_path(spec.module, roots)
        if not exists:
            return KnownClient(spec, None, f"client module {spec.module} not found")
        key = (str(candidate), spec.factory)
        if key not in self._clients:
            self._clients[key] = _read_client(candidate, spec)
        return self._clients[key]


def _read_client(path: Path, spec: ClientSpec) -> KnownClient:
    try:
        source = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return KnownClient(spec, None, f"client module {spec.module} cannot be read ({exc.strerror})")
    found = client_class(source, spec.factory)
    if found is None:
        return KnownClient(spec, None, f"{spec.module}.{spec.factory} has no return annotation naming a class "
                                       "of the module")
    return KnownClient(spec, found)


def fix_paths(paths: Sequence[str], registry: Registry, service: Optional[str] = None,
              excludes: Sequence[str] = (), write: bool = True, assume_clients: bool = False,
              allow_non_atomic: bool = False, write_clients: bool = False,
              pending: Optional[List[Tuple[Path, bytes]]] = None) -> FixRun:
    """Plan, rewrite and (unless ``write`` is false) write every file under ``paths``; with
    ``pending``, the files are not written but appended there (to be written with others)."""
    started = time.perf_counter()
    run = FixRun()
    for name, body in sorted(registry.services.items()):
        specs = client_specs(body)
        if specs:
            run.owners_with_clients[name] = specs[0]
    files = list(iter_files(paths, list(registry.settings.exclude) + list(excludes),
                            defaults=default_excludes(registry)))
    run_files = RunFiles(files, registry)
    planner = Planner(registry, clients=run_files.clients, exported=run_files.mentioned_elsewhere,
                      assume_clients=assume_clients, allow_non_atomic=allow_non_atomic, write_clients=write_clients)
    run.run_files = run_files
    for path, display in files:
        owner = service or registry.service_for_path(path)
        if owner is None:
            run.unowned_files += 1
            continue
        run_files.current = path
        if path.suffix not in PYTHON_SUFFIXES:
            result = check_file(path, display, registry, owner)
            run.problems.extend(result.problems)
            run.files.append(FileOutcome(display, left=[(f, Refusal(f.line, reasons.IN_SQL_FILE))
                                                        for f in result.findings]))
            continue
        try:
            run.files.append(_fix_file(path, display, registry, owner, planner, write, run, pending))
        except ConfigError:
            raise
        except Exception as exc:  # one file's surprise must not stop the run (nothing was written)
            run.problems.append(Problem(display, 1, f"not rewritten: {type(exc).__name__}: {exc}"))
    run.seconds = time.perf_counter() - started
    return run


def _fix_file(path: Path, display: str, registry: Registry, service: str, planner: Planner,
              write: bool, run: FixRun, pending: Optional[List[Tuple[Path, bytes]]] = None) -> FileOutcome:
    outcome = FileOutcome(display)
    try:
        source = decode(path.read_bytes())
    except (OSError, SyntaxError, LookupError, UnicodeDecodeError) as exc:
        run.problems.append(Problem(display, 1, f"cannot read or decode ({exc}); not rewritten"))
        return outcome
    text = source.text
    new_text, outcome = fix_text(text, display, registry, service, planner, run, on_disk=not write)
    if new_text == text:
        return outcome
    outcome.rewrites = _new_lines(outcome.rewrites, new_text)
    outcome.diff = "".join(difflib.unified_diff(
        file_lines(text), file_lines(new_text), fromfile=f"a/{display}", tofile=f"b/{display}"))
    if write and pending is not None:
        pending.append((path, encode(source, new_text)))
        outcome.written = True
    elif write:
        write_atomic(path, encode(source, new_text))
        outcome.written = True
    return outcome


def fix_text(text: str, display: str, registry: Registry, service: str, planner: Planner, run: FixRun,
             on_disk: bool = True) -> Tuple[str, FileOutcome]:
    """The rewritten text of one Python file and what was done (the text unchanged when
    nothing is rewritten); ``run.problems`` gets what went wrong. An editor's unsaved
    buffer is fixed by this too, so it gets exactly the rewrite ``fix`` would write."""
    outcome = FileOutcome(display)
    if "\r" in text.replace("\r\n", ""):
        run.problems.append(Problem(display, 1, "lone carriage returns (old Mac newlines); not rewritten", False))
        return text, outcome
    plan, result = plan_source(display, text.replace("\r\n", "\n"), registry, service, planner)
    run.problems.extend(result.problems)
    first = plan
    new_text = text
    for _ in range(MAX_PASSES):
        if not plan.rewrites:
            break
        outcome.rewrites.extend(plan.rewrites)
        outcome.notes.extend(plan.notes)
        new_text = _transform(new_text, plan, planner, display, run)
        if new_text is None:
            return text, FileOutcome(display, left=first.left, missing=first.missing)
        plan, result = plan_source(display, new_text.replace("\r\n", "\n"), registry, service, planner)
    else:
        run.problems.append(Problem(display, 1, f"still changing after {MAX_PASSES} passes; not rewritten"))
        return text, FileOutcome(display, left=first.left, missing=first.missing)
    outcome.missing = list(plan.missing)  # as the final text has them
    outcome.left = _reasons_from(first, plan, on_disk=on_disk)
    return new_text, outcome


def _transform(text: str, plan: FilePlan, planner: Planner, display: str, run: FixRun) -> Optional[str]:
    """Apply the plan with libcst; None (and a problem) if the result would not parse."""
    started = time.perf_counter()
    try:
        import libcst as cst
        from libcst.codemod import CodemodContext

        from boundary_lint.codemod.transform import RewriteSqlToClientCalls

        context = CodemodContext(filename=display)
        command = RewriteSqlToClientCalls(context, planner.registry, plan.service, plan=plan)
        new_text = command.transform_module(cst.parse_module(text)).code
        missed = len({r.target for r in plan.rewrites} - command.replaced) + len(
            ({s for r in plan.rewrites for s in r.removals} | set(plan.removals)) - command.removed) + len(
            {(e.kind, e.target) for r in plan.rewrites for e in r.edits} - command.edited) + len(
            set(plan.unwrapped) - command.unwrapped)
        if missed:
            raise RuntimeError(f"{missed} planned change(s) not found in the syntax tree")
        _check_parses(text, new_text, display, cst)
    except ImportError:
        run.problems.append(Problem(display, 1, "libcst is not installed: pip install 'boundary-lint[fix]'"))
        return None
    except Exception as exc:  # never write what does not parse; say so and go on
        run.problems.append(Problem(display, 1, f"rewrite abandoned ({type(exc).__name__}: {exc})"))
        return None
    finally:
        run.libcst_seconds += time.perf_counter() - started
    return new_text


def file_lines(text: str) -> List[str]:
    r"""The lines as the file has them: split at ``\n`` only (``str.splitlines`` also splits at
    form feeds, ``\x1c``... and ``\u2028``, so a diff's line numbers would not be the file's).

    >>> file_lines("a\x0cb\r\nc")
    ['a\x0cb\r\n', 'c']
    """
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def _new_lines(rewrites: List[CallRewrite], text: str) -> List[CallRewrite]:
    """Each rewrite with the line its client call has in the rewritten file (the calls
    of one factory and method keep their order)."""
    found: Dict[Tuple[str, str], List[int]] = {}
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            client = node.func.value.value if isinstance(node.func.value, ast.Await) else node.func.value
            if isinstance(client, ast.Call) and isinstance(client.func, ast.Name):
                found.setdefault((client.func.id, node.func.attr), []).append(node.lineno)
    for lines in found.values():
        lines.sort()
    out = []
    for rewrite in sorted(rewrites, key=lambda r: r.line):
        lines = found.get((rewrite.client.factory, rewrite.method))
        out.append(dataclasses.replace(rewrite, new_line=lines.pop(0) if lines else rewrite.line))
    return out


def _check_parses(old: str, new: str, display: str, cst) -> None:
    """The result must parse (libcst and ``ast``) and, if the original compiled, compile
    too (``await`` outside an async function is caught only there)."""
    cst.parse_module(new)
    ast.parse(new, filename=display)
    try:
        compile(old, display, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return
    compile(new, display, "exec", dont_inherit=True)


def _reasons_from(first: FilePlan, last: FilePlan, on_disk: bool = False) -> List[Tuple[Finding, Refusal]]:
    """The findings still there after the rewrite, each with the reason the first plan gave;
    at their lines in the rewritten file, or (``on_disk``: nothing is written) in the file as it is."""
    earlier: Dict[Tuple[str, str, str], List[Tuple[Finding, Refusal]]] = {}
    for finding, refusal in first.left:
        earlier.setdefault((finding.code, finding.table, finding.fingerprint), []).append((finding, refusal))
    out = []
    for finding, refusal in last.left:
        known = earlier.get((finding.code, finding.table, finding.fingerprint))
        if known:
            before, reason = known.pop(0) if len(known) > 1 else known[0]
            if on_disk:
                finding, refusal = before, reason
            else:
                refusal = Refusal(finding.line, reason.message, reason.detail)
        out.append((finding, refusal))
    return out
