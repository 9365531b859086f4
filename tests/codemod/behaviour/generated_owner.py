"""The corpus after ``fix --write-clients --write-owner-handlers``, run against what fix wrote:
the owners' real client modules (with the generated methods) send HTTP, routed in-process
to a FastAPI app made of the generated routers, which run on the site's database.

Used by tests/codemod/test_behaviour_generated_owner.py; loaded by path, like harness.py.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import List, Tuple

import httpx
from example_pg import load_by_path

FIX_COMMAND = ("fix", "--assume-clients", "--write-clients", "--write-owner-handlers", "../owner",
               "--contract", "contract.json", "--contract-format", "json", ".")
BASE_URL = "http://owner.test"


class GeneratedOwner:
    """The generated routers of ``folder`` as one app, on the database ``use()`` names; the
    requests it served are in ``calls`` as (service, method, None, None), like FakeClients."""

    def __init__(self, folder: Path, cluster) -> None:
        from fastapi import FastAPI
        from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
        from sqlalchemy.pool import NullPool

        self.cluster = cluster
        self.url = ""
        self.calls: List[Tuple[str, str, None, None]] = []
        self.app = FastAPI()

        async def session():
            engine = create_async_engine(self.url, poolclass=NullPool)
            try:
                async with AsyncSession(engine, expire_on_commit=False) as s:
                    yield s
            finally:
                await engine.dispose()

        for path in sorted(folder.glob("*_router.py")):
            module = load_by_path(f"generated_owner_{path.stem}", path, fresh=True)
            self.app.include_router(module.router)
            self.app.dependency_overrides[module.get_session] = session

        @self.app.middleware("http")
        async def record(request, call_next):
            response = await call_next(request)
            route = request.scope.get("route")
            if route is not None and getattr(route, "operation_id", None):
                service, _, method = route.operation_id.partition(".")
                self.calls.append((service, method, None, None))
            return response

    def use(self, dsn: str) -> None:
        self.url = self.cluster.sqlalchemy_url(re.search(r"dbname=(\S+)", dsn).group(1))

    def close(self) -> None:
        pass


class _SyncASGI(httpx.BaseTransport):
    """A synchronous httpx transport into an ASGI app (each request on its own event loop)."""

    def __init__(self, app) -> None:
        self.inner = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()

        async def go():
            response = await self.inner.handle_async_request(request)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content,
                                  request=request)

        # its own thread: a synchronous client may be called from async code (a running loop)
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, go()).result()


@contextmanager
def routed_to(app, variables):
    """Every httpx client made meanwhile talks to ``app``; the clients' URL variables are set."""
    real_async, real_sync = httpx.AsyncClient, httpx.Client

    class AsyncRouted(real_async):
        def __init__(self, *args, **kwargs):
            kwargs["transport"] = httpx.ASGITransport(app=app)
            super().__init__(*args, **kwargs)

    class SyncRouted(real_sync):
        def __init__(self, *args, **kwargs):
            kwargs["transport"] = _SyncASGI(app)
            super().__init__(*args, **kwargs)

    saved = {name: os.environ.get(name) for name in variables}
    httpx.AsyncClient, httpx.Client = AsyncRouted, SyncRouted
    os.environ.update({name: BASE_URL for name in variables})
    try:
        yield
    finally:
        httpx.AsyncClient, httpx.Client = real_async, real_sync
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def fix_a_copy(harness, target: Path):
    """The corpus copied to ``target`` with its schema as the tree's migration, then fixed."""
    harness.copy_corpus(target)
    (target / "migrations").mkdir(exist_ok=True)
    shutil.copy(harness.SCHEMA_SQL, target / "migrations" / "schema.sql")
    original = harness.function_sources(target)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "boundary_lint.cli", *FIX_COMMAND], cwd=target,
                          capture_output=True, text=True, timeout=300)
    return harness.FixRun(target, proc.returncode, proc.stdout, proc.stderr, None,
                          time.perf_counter() - started, original)
