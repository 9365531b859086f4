"""What a client already offers, read statically from its module (stdlib ``ast``), and
where that module is, as Python would import it.

The registry names a client by module and factory; the factory's return
annotation names the class, whose methods (its own and those of base classes
in the same module) say which calls a rewrite can make today. A client that
cannot be read this way is unknown, and then nothing is refused for it.
"""

from __future__ import annotations

import ast
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional, Sequence, Tuple


@dataclass(frozen=True)
class Signature:
    positional: Tuple[str, ...]  # positional-or-keyword parameters after self
    keyword_only: Tuple[str, ...]
    required: Tuple[str, ...]  # parameters without a default
    varargs: bool = False
    varkw: bool = False
    returns: str = ""  # the return annotation as written ("" when there is none)
    awaitable: bool = False  # an ``async def``

    def accepts(self, positional: int, keywords: Sequence[str]) -> Optional[str]:
        """None when a call with that many positional arguments and those keywords binds;
        else what is wrong."""
        if positional > len(self.positional) and not self.varargs:
            return f"takes {len(self.positional)} positional arguments, not {positional}"
        names = set(self.positional) | set(self.keyword_only)
        unknown = [k for k in keywords if k not in names]
        if unknown and not self.varkw:
            return f"has no parameter {', '.join(unknown)}"
        given = set(self.positional[:positional]) | set(keywords)
        missing = [r for r in self.required if r not in given]
        if missing:
            return f"needs {', '.join(missing)}"
        return None

    def text(self) -> str:
        star = ["*"] if self.keyword_only and not self.varargs else []
        parts = list(self.positional) + star + list(self.keyword_only)
        return ", ".join(parts)


@dataclass(frozen=True)
class ClientClass:
    name: str
    methods: Dict[str, Signature]


def package_root(folder: Path) -> Path:
    """The folder Python imports ``folder``'s package from: above its outermost ``__init__.py``."""
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        folder = folder.parent
    return folder


def module_path(module: str, roots: Sequence[Path]) -> Tuple[Path, bool]:
    """Where ``import module`` finds its file from the first of ``roots`` that has it, and
    whether it exists (else where it would be created, under the first root)."""
    relative = Path(*module.split("."))
    for base in roots:
        for candidate in (base / relative.with_suffix(".py"), base / relative / "__init__.py"):
            if candidate.is_file():
                return candidate, True
    return roots[0] / relative.with_suffix(".py"), False


def client_class(source: str, factory: str) -> Optional[ClientClass]:
    """The class ``factory`` returns and its public methods, if the module says so plainly.

    >>> src = "class C:\\n    def get(self, a, b=1): ...\\ndef make() -> 'C': ..."
    >>> c = client_class(src, "make")
    >>> c.name, c.methods["get"].accepts(1, []), c.methods["get"].accepts(0, ["c"])
    ('C', None, 'has no parameter c')
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    functions = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    function = functions.get(factory)
    returns = function.returns if function is not None else None
    if isinstance(returns, ast.Constant) and isinstance(returns.value, str):
        name = returns.value.strip()
    elif isinstance(returns, ast.Name):
        name = returns.id
    else:
        return None
    if name not in classes:
        return None
    methods: Dict[str, Signature] = {}
    for cls in reversed(_lineage(classes[name], classes)):
        for node in cls.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
                returns = ast.unparse(node.returns) if node.returns is not None else ""
                if isinstance(node.returns, ast.Constant) and isinstance(node.returns.value, str):
                    returns = node.returns.value
                methods[node.name] = dataclasses.replace(_signature(node.args), returns=returns,
                                                         awaitable=isinstance(node, ast.AsyncFunctionDef))
    return ClientClass(name, methods)


def _lineage(cls: ast.ClassDef, classes: Dict[str, ast.ClassDef]) -> list:
    """The class and its bases found in the same module, nearest first."""
    out, queue = [], [cls]
    while queue:
        current = queue.pop(0)
        if current in out:
            continue
        out.append(current)
        queue.extend(classes[b.id] for b in current.bases if isinstance(b, ast.Name) and b.id in classes)
    return out


def _signature(args: ast.arguments) -> Signature:
    positional = [a.arg for a in args.posonlyargs + args.args][1:]  # without self
    with_default = positional[len(positional) - len(args.defaults):] if args.defaults else []
    required = [p for p in positional if p not in with_default]
    required += [a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is None]
    return Signature(tuple(positional), tuple(a.arg for a in args.kwonlyargs), tuple(required),
                     args.vararg is not None, args.kwarg is not None)
