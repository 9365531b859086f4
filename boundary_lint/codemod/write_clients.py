"""``fix --write-clients``: the methods the rewritten code calls, added to the owner's client.

Each generated method sends its operation (:mod:`.operations`) through the client's
``_request(verb, path, *, params=None, json=None)`` -> decoded JSON (raising an exception
whose ``status_code`` is 404 when there is no row), the way the example's clients do; a
module that does not exist is created with a small httpx client that has one. Values go
out as JSON (``Decimal``, dates, ``UUID`` as strings) and come back as the Python types
the row had. Text is inserted, never rewritten: existing methods stay as they are.
"""

from __future__ import annotations

import ast
import keyword
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Set, Tuple

from boundary_lint.codemod import shapes
from boundary_lint.codemod.openapi import camel
from boundary_lint.codemod.operations import VALUE_SHAPES, Operation

DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")
_DECODED = ("Decimal", "datetime", "date", "UUID")


def valid_module(name: str) -> bool:
    return bool(DOTTED.match(name)) and not any(keyword.iskeyword(p) for p in name.split("."))


@dataclass
class ClientPlan:
    service: str
    module: str
    factory: str
    awaitable: bool
    path: Path
    exists: bool
    ops: List[Operation] = field(default_factory=list)


def request_problem(source: str, factory: str) -> Optional[str]:
    """Why the generated methods could not send through the factory's class, or None."""
    tree = ast.parse(source)
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    functions = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    function = functions.get(factory)
    if function is None:
        return f"has no function {factory} (the registry's factory)"
    name = _returned_class(function)
    if name is None or name not in classes:
        return f"{factory} has no return annotation naming a class of the module"
    queue, seen = [classes[name]], set()
    while queue:
        cls = queue.pop(0)
        if cls.name in seen:
            continue
        seen.add(cls.name)
        if any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == "_request" for n in cls.body):
            return None
        for base in cls.bases:
            if isinstance(base, ast.Name) and base.id in classes:
                queue.append(classes[base.id])
            else:
                return None  # a base from elsewhere: trusted to offer _request (as ServiceClient does)
    return (f"{name} has no _request(verb, path, *, params=None, json=None) method (nor a base class from "
            "another module): the generated methods send through it; add one")


def _returned_class(function) -> Optional[str]:
    returns = function.returns
    if isinstance(returns, ast.Constant) and isinstance(returns.value, str):
        return returns.value.strip()
    if isinstance(returns, ast.Name):
        return returns.id
    return None


# -- the text --------------------------------------------------------------------------------


def _field_type(column) -> str:
    if column is None or not column.known:
        return "Any"
    return f"Optional[{column.python}]" if column.nullable else column.python


def _kinds(op: Operation) -> Dict[str, str]:
    return {n: c.python for n, c in op.fields if c is not None and c.known and c.python in _DECODED}


def return_annotation(op: Operation, row_class: str) -> str:
    if op.row_key:
        return row_class
    if op.shape in (shapes.ROW,):
        return row_class
    if op.shape in (shapes.ROW_OR_NULL, shapes.UNIQUE_ROW_OR_NULL):
        return f"Optional[{row_class}]"
    if op.shape == shapes.ROWS:
        return f"List[{row_class}]"
    column = op.fields[0][1] if op.fields else None
    value = column.python if column is not None and column.known else "Any"
    if op.shape in VALUE_SHAPES:
        nullable = op.shape != shapes.VALUE or (column is not None and column.nullable)
        return f"Optional[{value}]" if nullable and value != "Any" else value
    if op.shape == shapes.VALUES:
        return f"List[{value}]"
    return "int"


def method_text(op: Operation, awaitable: bool, row_class: str, indent: str) -> str:
    m = op.method
    params = []
    optional = []
    for p in op.params:
        annotation = p.python
        if p.required:
            params.append(f"{p.name}: {annotation}")
        else:
            optional.append(f"{p.name}: Optional[{annotation}] = None")
    if op.positional:
        signature = ", ".join(["self", *params, *optional])
    else:
        signature = ", ".join(["self", *(["*"] if params or optional else []), *params, *optional])
    returns = return_annotation(op, row_class)
    path = op.path
    if any(p.where == "path" for p in op.params):
        path = "f" + repr(re.sub(r"\{(\w+)\}", r"{_bl_quote(\1)}", op.path))
    else:
        path = repr(path)
    head = f"{'async ' if awaitable else ''}def {op.name}("
    if len(indent) + len(head) + len(signature) + len(returns) + 6 <= 100:
        lines = [f"{head}{signature}) -> {returns}:"]
    else:
        lines = [head, *(f"    {part}," for part in signature.split(", ")), f") -> {returns}:"]
    doc = [f'"""{op.http} {op.path}: {" / ".join(m.returns)}'
           + ("; None when the owner answers 404 (no row)" if op.missing == "null" else "")
           + ("; raises when there is no row" if op.missing == "error (404)" else "") + ".", "",
           "Replaces:", ""]
    doc += [f"    {line}" for statement in m.sql for line in _wrap(statement)]
    doc += ["", "Called from:", ""]
    doc += [f"    {p}:{n}" for p, n, _, _ in m.call_sites]
    doc += ["", "Written by boundary-lint fix --write-clients.", '"""']
    lines += [f"    {d}" if d else "" for d in doc]
    sent = "query" if op.http in ("GET", "DELETE") else "body"
    values = [p for p in op.params if p.where != "path"]
    given = [f"{p.name!r}: {p.name}" for p in values if p.required]
    if len(", ".join(given)) <= 60:
        lines.append(f"    values: Dict[str, Any] = {{{', '.join(given)}}}")
    else:
        lines += ["    values: Dict[str, Any] = {", *(f"        {g}," for g in given), "    }"]
    for p in values:
        if not p.required:
            lines += [f"    if {p.name} is not None:", f"        values[{p.name!r}] = {p.name}"]
    keyword_args = "params=values" if sent == "query" else "json=values"
    lines += [f"    body = {'await ' if awaitable else ''}_bl_send(",
              f"        self, {op.http!r}, {path}, {keyword_args}, missing_ok={op.missing == 'null'!r},", "    )"]
    kinds = _kinds(op)
    if op.returns_row:
        lines.append(f"    return _bl_row(body, {kinds!r})")
    elif op.shape == shapes.ROWS:
        lines.append(f"    return [_bl_row(row, {kinds!r}) for row in body]")
    elif op.shape in VALUE_SHAPES or op.shape == shapes.VALUES:
        kind = next(iter(kinds.values()), "")
        if op.shape == shapes.VALUES:
            lines.append(f"    return [_bl_decode(value, {kind!r}) for value in body]")
        else:
            lines.append(f"    return _bl_decode(body, {kind!r})")
    else:
        lines.append("    return int(body or 0)")
    return "\n".join(f"{indent}{line}" if line else "" for line in lines) + "\n"


def _wrap(statement: str, width: int = 88) -> List[str]:
    words, out, line = statement.split(" "), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return out + ([line] if line else [])


def typed_dict_text(op: Operation, name: str) -> str:
    lines = [f"class {name}(TypedDict):",
             f'    """A row {op.name} answers (written by boundary-lint fix --write-clients)."""', ""]
    for field_name, column in op.fields:
        lines.append(f"    {field_name}: {_field_type(column)}")
    return "\n".join(lines) + "\n"


HELPERS = '''
def _bl_json(value: Any) -> Any:
    """A value as JSON carries it: Decimal, dates and UUID as strings (written by boundary-lint fix)."""
    if isinstance(value, (Decimal, UUID)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _bl_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_bl_json(v) for v in value]
    return value


def _bl_decode(value: Any, kind: str) -> Any:
    """A JSON value back as the Python type the row had (written by boundary-lint fix)."""
    if value is None or not kind:
        return value
    if kind == "Decimal":
        return Decimal(str(value))
    if kind == "datetime":
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "UUID":
        return UUID(value)
    return value


def _bl_row(body: Any, kinds: Dict[str, str]) -> Any:
    """A JSON object back as the row it was, or None (written by boundary-lint fix)."""
    if body is None:
        return None
    return {key: _bl_decode(value, kinds.get(key, "")) for key, value in body.items()}


def _bl_quote(value: Any) -> str:
    return quote(str(_bl_json(value)), safe="")

'''

SEND_ASYNC = '''
async def _bl_send(client: Any, verb: str, path: str, *, params: Any = None, json: Any = None,
                   missing_ok: bool = False) -> Any:
    """One request of a generated method through the client's ``_request``; None for a 404 when
    ``missing_ok`` (written by boundary-lint fix)."""
    try:
        return await client._request(verb, path, params=_bl_json(params) if params else None,
                                     json=_bl_json(json) if json is not None else None)
    except Exception as exc:
        if missing_ok and _bl_status(exc) == 404:
            return None
        raise


def _bl_status(exc: BaseException) -> Any:
    """The HTTP status an error carries (``status_code``, or an httpx error's response), looking
    through the exceptions it was raised from (written by boundary-lint fix)."""
    seen = 0
    current: Any = exc
    while current is not None and seen < 5:
        try:
            status = getattr(current, "status_code", None)
            if status is None:
                status = getattr(getattr(current, "response", None), "status_code", None)
        except Exception:  # a property that raises when unset (httpx's request)
            status = None
        if status is not None:
            return status
        current, seen = current.__cause__ or current.__context__, seen + 1
    return None

'''

SEND_SYNC = SEND_ASYNC.replace("async def", "def").replace("return await", "return")

NEW_MODULE = '''"""Client for {service}, written by ``boundary-lint fix --write-clients``.

Point it at the owner with the environment variable {env} (or pass a client to
``set_{cls_snake}``); the methods below are the operations of the contract.
"""

from __future__ import annotations

import os
from typing import Any, Mapping, Optional

import httpx


class {cls}Error(Exception):
    """The owner answered an error (``status_code``) or could not be reached."""

    def __init__(self, message: str, *, status_code: Optional[int] = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class {cls}:
    """Typed client of {service}: one method per operation."""

    def __init__(self, base_url: str, *, transport: Any = None, timeout: float = 5.0,
                 headers: Optional[Mapping[str, str]] = None) -> None:
        self._http = httpx.{http}(base_url=base_url.rstrip("/"), transport=transport, timeout=timeout,
                                   headers={{"Accept": "application/json", **(headers or {{}})}})

    {async_}def _request(self, verb: str, path: str, *, params: Any = None, json: Any = None) -> Any:
        try:
            response = {await_}self._http.request(verb, path, params=params, json=json)
        except httpx.HTTPError as exc:
            raise {cls}Error(f"{{verb}} {{path}}: {{exc}}") from exc
        if response.status_code >= 400:
            raise {cls}Error(f"{{verb}} {{path}} answered {{response.status_code}}",
                             status_code=response.status_code)
        return response.json() if response.content else None


_shared: Optional[{cls}] = None


def set_{cls_snake}(client: Optional[{cls}]) -> None:
    """Install (or with None, forget) the shared client."""
    global _shared
    _shared = client


{async_}def {factory}() -> {cls}:
    """The shared client, built from {env} on first use."""
    global _shared
    if _shared is None:
        _shared = {cls}(os.environ["{env}"])
    return _shared
'''


def new_module_text(plan: ClientPlan) -> str:
    cls = camel(plan.service) + "Client"
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", cls).lower()
    return NEW_MODULE.format(service=plan.service, env=f"{plan.service.upper()}_URL", cls=cls, cls_snake=snake,
                             factory=plan.factory, http="AsyncClient" if plan.awaitable else "Client",
                             async_="async " if plan.awaitable else "", await_="await " if plan.awaitable else "")


_IMPORTS = {"Any": "typing", "Dict": "typing", "List": "typing", "Optional": "typing", "TypedDict": "typing",
            "Decimal": "decimal", "datetime": "datetime", "date": "datetime", "UUID": "uuid",
            "quote": "urllib.parse"}


class Collision(Exception):
    """A generated method's name is already something else in the class."""


def add_methods(source: str, plan: ClientPlan) -> Tuple[str, List[str]]:
    """The module's text with the plan's methods added to the factory's class; the names added.

    Raises:
        Collision: the class already binds the name to something other than a method.
    """
    tree = ast.parse(source)
    functions = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    cls = classes[_returned_class(functions[plan.factory])]
    existing = {n.name for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    attributes = {t.id for n in cls.body if isinstance(n, (ast.Assign, ast.AnnAssign))
                  for t in (n.targets if isinstance(n, ast.Assign) else [n.target]) if isinstance(t, ast.Name)}
    taken = sorted(op.name for op in plan.ops if op.name in attributes and op.name not in existing)
    if taken:
        raise Collision(f"{cls.name}.{taken[0]} is already an attribute of the class, not a method: rename it, "
                        "or write the method by hand")
    top_names = _top_names(tree)
    body_indent = " " * (cls.body[0].col_offset if cls.body else 4)
    methods, typed, added = [], [], []
    for op in plan.ops:
        if op.name in existing:
            continue
        row_class = ""
        if op.returns_row or op.shape == shapes.ROWS:
            row_class = camel(op.name) + "Row"
            while row_class in top_names:
                row_class += "_"
            top_names.add(row_class)
            typed.append(typed_dict_text(op, row_class))
        methods.append(method_text(op, plan.awaitable, row_class, body_indent))
        added.append(op.name)
    if not added:
        return source, []
    helpers = "" if "_bl_json" in top_names else HELPERS
    if "_bl_send" not in top_names:  # with _bl_status
        helpers += SEND_ASYNC if plan.awaitable else SEND_SYNC
    imported = _imported(tree)
    written = "".join(typed) + helpers + "".join(methods)
    needed = sorted(n for n in _IMPORTS if n not in imported and n not in top_names
                    and re.search(r"\b%s\b" % n, written))
    by_module: Dict[str, List[str]] = {}
    for name in needed:
        by_module.setdefault(_IMPORTS[name], []).append(name)
    import_lines = "".join(f"from {m} import {', '.join(sorted(ns))}  # boundary-lint fix --write-clients\n"
                           for m, ns in sorted(by_module.items()))
    lines = source.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    class_end = cls.end_lineno  # 1-based, last line of the class
    class_start = min([cls.lineno] + [d.lineno for d in cls.decorator_list])
    after_imports = max([n.end_lineno for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))] or [0])
    if after_imports >= class_start:
        after_imports = 0
    out = lines[:class_end] + ["\n"] + ["\n".join(methods).rstrip("\n") + "\n"] + lines[class_end:]
    prelude = "".join(t + "\n\n" for t in typed) + helpers.lstrip("\n") + ("\n" if typed or helpers else "")
    out = out[:class_start - 1] + [prelude] + out[class_start - 1:]
    if import_lines:
        out = out[:after_imports] + [import_lines] + out[after_imports:]
    return "".join(out), added


def _top_names(tree: ast.Module) -> Set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def _imported(tree: ast.Module) -> Set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            names.update(a.asname or a.name for a in node.names if _IMPORTS.get(a.name) == node.module)
    return names


def client_outputs(plans: Sequence[ClientPlan]) -> Tuple[List[Tuple[Path, bytes]], List[str], List[str]]:
    """(files to write, methods added as ``service.method``, problems as messages)."""
    from boundary_lint.codemod.client_methods import client_class

    files, added_all, problems = [], [], []
    for plan in plans:
        if not plan.ops:
            continue
        if plan.exists:
            source = plan.path.read_text(encoding="utf-8")
        else:
            source = new_module_text(plan)
        try:
            text, added = add_methods(source, plan)
        except Collision as exc:
            problems.append(f"{plan.path}: {exc}; nothing was written")
            continue
        if not added:
            continue
        try:
            ast.parse(text)
        except SyntaxError as err:  # a bug of the generator: never write it
            problems.append(f"{plan.path}: the generated methods would not parse ({err.msg}, line {err.lineno}); "
                            "nothing was written")
            continue
        found = client_class(text, plan.factory)
        if found is None or any(name not in found.methods for name in added):
            problems.append(f"{plan.path}: the generated methods are not found on {plan.factory}()'s class; "
                            "nothing was written")
            continue
        files.append((plan.path, text.encode("utf-8")))
        if not plan.exists:
            folder = plan.path.parent
            while not folder.exists():
                files.append((folder / "__init__.py", b""))
                folder = folder.parent
        added_all += [f"{plan.service}.{name}" for name in added]
    return files, added_all, problems
