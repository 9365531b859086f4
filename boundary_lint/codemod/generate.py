"""What ``fix`` writes besides the rewritten code: the OpenAPI contract, the client methods
(``--write-clients``) and the owner's routers (``--write-owner-handlers``), all made from
one list of operations per owning service; plus the checks done before anything is
written (bad input is a message naming the file, never a traceback)."""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from boundary_lint.registry import Registry
from boundary_lint.codemod.apply import FixRun
from boundary_lint.codemod.calls import client_specs
from boundary_lint.codemod.columns import Catalog
from boundary_lint.codemod.contract import ServiceContract
from boundary_lint.codemod.operations import Operation, endpoints, operations
from boundary_lint.codemod.client_methods import module_path, package_root
from boundary_lint.codemod.write_clients import ClientPlan, client_outputs, request_problem, valid_module


@dataclass
class Generated:
    files: List[Tuple[Path, bytes]] = field(default_factory=list)
    methods: List[str] = field(default_factory=list)  # service.method written into clients
    handlers: List[str] = field(default_factory=list)  # service.method routes written
    problems: List[str] = field(default_factory=list)  # refusals to generate, with reasons (not errors)
    unknown: List[str] = field(default_factory=list)  # service.method: what has no known type
    errors: List[str] = field(default_factory=list)  # nothing is written when there is one


def _roots(registry: Registry, paths: Sequence[str]) -> List[Path]:
    """Where a client module is looked for (as ``fix`` looks for it), first the registry's folder."""
    roots = [Path(os.path.realpath(registry.root))]
    for given in paths:
        folder = Path(os.path.realpath(given))
        roots.append(package_root(folder if folder.is_dir() else folder.parent))
    roots.append(Path.cwd())
    return list(dict.fromkeys(roots))


def _clients(registry: Registry):
    for name, service in sorted(registry.services.items()):
        for spec in client_specs(service):
            yield name, spec.module, spec.factory, spec.awaitable


def preflight(registry: Registry, paths: Sequence[str], write_clients: bool, handlers: Optional[str]) -> List[str]:
    """The problems that stop a generating run before it writes anything."""
    where = str(registry.source) if registry.source else "the registry"
    errors = []
    roots = _roots(registry, paths)
    for service, module, factory, _ in _clients(registry):
        if not valid_module(module):
            errors.append(f"{where}: services.{service}.client.module {module!r} is not a dotted Python module "
                          "name (like app.clients.strategy_client): correct it in the registry")
            continue
        if not factory.isidentifier():
            errors.append(f"{where}: services.{service}.client.factory {factory!r} is not a Python name: "
                          "correct it in the registry")
            continue
        if not write_clients:
            continue
        path, exists = module_path(module, roots)
        if not exists:
            continue
        try:
            source = path.read_text(encoding="utf-8")
            ast.parse(source)
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(f"{path}: client module {module} cannot be read ({exc}): fix it, then run again")
            continue
        except SyntaxError as err:
            errors.append(f"{path}: client module {module} does not parse (line {err.lineno}: {err.msg}): fix "
                          "it before --write-clients adds methods to it")
            continue
        problem = request_problem(source, factory)
        if problem:
            errors.append(f"{path}: client module {module}: {problem}")
    if handlers:
        target = Path(os.path.realpath(handlers))
        for given in paths:
            base = Path(os.path.realpath(given))
            base = base if base.is_dir() else base.parent
            if target != base and base not in target.parents:
                continue
            folder = target
            while folder != base and not folder.exists():
                folder = folder.parent
            inside = [f for f in [folder, *folder.parents] if (f / "__init__.py").is_file() and
                      (f == base or base in f.parents)]
            if inside:
                errors.append(f"{handlers}: --write-owner-handlers folder is inside the package {inside[-1]}, "
                              "which fix rewrites: write the owners' routers outside it (e.g. ../owner_handlers)")
                break
    return errors


def catalog_for(registry: Registry, paths: Sequence[str]) -> Catalog:
    folders = [Path(os.path.realpath(registry.root))] + [Path(p) for p in paths if Path(p).is_dir()]
    return Catalog.from_tree(folders)


def operations_for(run: FixRun, registry: Registry, contracts: Sequence[ServiceContract],
                   paths: Sequence[str]) -> Dict[str, List[Operation]]:
    catalog = catalog_for(registry, paths)
    said = endpoints(registry)
    return {c.service: operations(c, catalog, said) for c in contracts}


def generate(run: FixRun, registry: Registry, contracts: Sequence[ServiceContract],
             ops: Dict[str, List[Operation]], paths: Sequence[str], write_clients: bool,
             handlers: Optional[str]) -> Generated:
    out = Generated()
    for contract in contracts:
        for op in ops.get(contract.service, []):
            if op.problem:
                out.problems.append(f"{contract.service}.{op.name}: not generated: {op.problem}")
            out.unknown += [f"{contract.service}.{u}" for u in op.unknown]
    if write_clients:
        roots = _roots(registry, paths)
        plans: Dict[Tuple[str, str], ClientPlan] = {}
        for contract in contracts:
            to_add = set(contract.missing)
            for op in ops.get(contract.service, []):
                if op.name not in to_add or op.problem:
                    continue
                spec = contract.client
                path, exists = module_path(spec.module, roots)
                plan = plans.setdefault((spec.module, spec.factory), ClientPlan(
                    contract.service, spec.module, spec.factory, spec.awaitable, path, exists))
                plan.ops.append(op)
        files, added, problems = client_outputs(list(plans.values()))
        out.files += files
        out.methods += added
        out.errors += problems
    if handlers:
        from boundary_lint.codemod.write_handlers import router_text

        catalog = catalog_for(registry, paths)
        for contract in contracts:
            usable = []
            for op in ops.get(contract.service, []):
                if op.problem:
                    continue
                if not op.method.explicit and not catalog.columns(op.method.table):
                    out.problems.append(f"{contract.service}.{op.name}: no handler: the columns of "
                                        f"{op.method.table} are unknown (no .sql file of the tree creates it)")
                    continue
                usable.append(op)
            if not usable:
                continue
            tables = sorted({op.method.table for op in usable if not op.method.explicit})
            columns = {t: [c.name for c in catalog.columns(t)] for t in tables}
            text = router_text(contract.service, usable, columns)
            try:
                ast.parse(text)
            except SyntaxError as err:
                out.errors.append(f"{handlers}: the {contract.service} router would not parse ({err.msg}, line "
                                  f"{err.lineno}); nothing was written")
                continue
            out.files.append((Path(handlers) / f"{contract.service}_router.py", text.encode("utf-8")))
            out.handlers += [f"{contract.service}.{op.name}" for op in usable]
        if out.handlers and not (Path(handlers) / "__init__.py").exists():
            out.files.append((Path(handlers) / "__init__.py",
                              b'"""Owner-side routers written by boundary-lint fix."""\n'))
    return out
