"""``fix --write-clients``, ``--contract FILE --contract-format openapi`` and
``--write-owner-handlers`` on a small tree: what is written, what is refused, and bad
input (a clear message naming the file, nothing written)."""

from __future__ import annotations

import ast
import json
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from example_pg import load_by_path

REGISTRY = """
[settings]
dialect = "postgres"

[services.shop]
owns = ["shop.*"]
paths = ["app/**"]

[services.inventory]
owns = ["public.widgets", "public.gadgets"]
client = { module = "app.clients.inventory_client", factory = "get_inventory_client", awaitable = false }
"""

MIGRATION = """
CREATE TABLE public.widgets (widget_id BIGINT PRIMARY KEY, price NUMERIC(10, 2) NOT NULL);
ALTER TABLE public.widgets ADD COLUMN made_at TIMESTAMPTZ;
"""

SERVICE = '''from sqlalchemy import text


def widget(session, widget_id):
    row = session.execute(
        text("SELECT widget_id, price, made_at FROM public.widgets WHERE widget_id = :widget_id"),
        {"widget_id": widget_id},
    ).fetchone()
    return (row.price, row.made_at) if row else None


def gadget_name(session, gadget_id):
    return session.execute(
        text("SELECT name FROM public.gadgets WHERE gadget_id = :gadget_id"), {"gadget_id": gadget_id}
    ).scalar()
'''

EXISTING_CLIENT = '''import httpx


class InventoryClient:
    def __init__(self, base_url, transport=None):
        self._http = httpx.Client(base_url=base_url, transport=transport)

    def _request(self, verb, path, *, params=None, json=None):
        response = self._http.request(verb, path, params=params, json=json)
        response.raise_for_status()
        return response.json()

    def get_widgets(self, widget_id):
        """Hand-written: another signature than the call site needs."""
        return self._request("GET", f"/w/{widget_id}")


def get_inventory_client() -> InventoryClient:
    return InventoryClient("http://inventory")
'''


def make_tree(root: Path, client: str = None) -> Path:
    (root / "app" / "services").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "services" / "__init__.py").write_text("")
    (root / "app" / "services" / "widgets.py").write_text(SERVICE)
    (root / "migrations").mkdir()
    (root / "migrations" / "001_widgets.sql").write_text(MIGRATION)
    (root / "boundaries.toml").write_text(REGISTRY)
    if client is not None:
        (root / "app" / "clients").mkdir()
        (root / "app" / "clients" / "__init__.py").write_text("")
        (root / "app" / "clients" / "inventory_client.py").write_text(client)
    return root


def snapshot(root: Path) -> dict:
    return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def load(path: Path, name: str):
    return load_by_path(name, path, fresh=True)


def test_write_clients_creates_the_module_with_typed_methods_that_decode(tmp_path, run_cli):
    root = make_tree(tmp_path / "t")
    result = run_cli("fix", "--write-clients", "--contract", "api.json", "--contract-format", "openapi", "app",
                     cwd=root)
    assert result.code == 0, result.err
    created = root / "app" / "clients" / "inventory_client.py"
    assert (root / "app" / "clients" / "__init__.py").exists()
    tree = ast.parse(created.read_text())
    methods = {n.name: n for cls in tree.body if isinstance(cls, ast.ClassDef) for n in cls.body
               if isinstance(n, ast.FunctionDef)}
    assert ast.unparse(methods["get_widgets"].returns) == "Optional[GetWidgetsRow]"
    assert "SELECT widget_id, price, made_at FROM public.widgets" in ast.get_docstring(methods["get_widgets"])
    assert "app/services/widgets.py:" in ast.get_docstring(methods["get_widgets"])
    assert "client methods written   2" in result.err

    seen = []

    def owner(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.path, dict(request.url.params)))
        if request.url.params.get("widget_id") == "2":
            return httpx.Response(404)
        return httpx.Response(200, json={"widget_id": 1, "price": "12.50", "made_at": "2024-05-01T10:00:00+00:00"})

    module = load(created, "generated_inventory_client")
    client = module.InventoryClient("http://inventory", transport=httpx.MockTransport(owner))
    row = client.get_widgets(widget_id=1, fields=["widget_id", "price", "made_at"])
    assert row == {"widget_id": 1, "price": Decimal("12.50"),
                   "made_at": datetime(2024, 5, 1, 10, tzinfo=timezone.utc)}
    assert client.get_widgets(widget_id=2, fields=["price"]) is None
    assert seen[0][:2] == ("GET", "/widgets/first")


def test_the_openapi_contract_says_type_unknown_and_lists_it(tmp_path, run_cli):
    validator = pytest.importorskip("openapi_spec_validator")
    root = make_tree(tmp_path / "t")
    assert run_cli("fix", "--write-clients", "--contract", "api.json", "--contract-format", "openapi", "app",
                   cwd=root).code == 0
    document = json.loads((root / "api.json").read_text())
    validator.validate(document)
    gadget = document["paths"]["/gadgets/first/name"]["get"]
    assert gadget["responses"]["200"]["content"]["application/json"]["schema"]["description"].startswith(
        "type unknown")
    assert any("get_gadgets_name: field name: type unknown" in u for u in document["x-type-unknown"])
    assert any("parameter gadget_id: type unknown" in u for u in document["x-type-unknown"])
    widget = document["components"]["schemas"]["GetWidgetsRow"]["properties"]
    assert widget == {"widget_id": {"type": "integer"}, "price": {"type": "string", "format": "decimal"},
                      "made_at": {"type": ["string", "null"], "format": "date-time"}}
    assert gadget["responses"]["404"]["description"] == "no row: the client answers None"
    assert gadget["x-replaces-sql"] == ["SELECT name FROM public.gadgets WHERE gadget_id = :gadget_id"]


def test_type_unknown_is_said_on_stderr_with_what_to_do(tmp_path, run_cli):
    root = make_tree(tmp_path / "t")
    result = run_cli("fix", "--write-clients", "app", cwd=root)
    assert "type unknown         2 values" in result.err
    assert "add their CREATE TABLE to a .sql file" in result.err
    assert "  inventory.get_gadgets_name: field name: type unknown" in result.err


def test_a_client_module_that_is_not_a_dotted_name_is_a_registry_error(tmp_path, run_cli):
    root = make_tree(tmp_path / "t")
    registry = root / "boundaries.toml"
    registry.write_text(REGISTRY.replace("app.clients.inventory_client", "app/clients/inventory_client.py"))
    before = snapshot(root)
    result = run_cli("fix", "--write-clients", "app", cwd=root)
    assert result.code == 2
    assert "boundaries.toml" in result.err and "not a dotted module name" in result.err
    assert "Traceback" not in result.err
    assert snapshot(root) == before


def test_a_yaml_contract_is_openapi_by_default(tmp_path, run_cli):
    yaml = pytest.importorskip("yaml")
    root = make_tree(tmp_path / "t")
    assert run_cli("fix", "--assume-clients", "--contract", "api.yaml", "app", cwd=root).code == 0
    assert yaml.safe_load((root / "api.yaml").read_text())["openapi"] == "3.1.0"


def test_an_existing_method_is_never_overwritten_and_a_different_signature_is_refused(tmp_path, run_cli):
    root = make_tree(tmp_path / "t", EXISTING_CLIENT)
    result = run_cli("fix", "--write-clients", "app", cwd=root)
    assert result.code == 0, result.err
    text = (root / "app" / "clients" / "inventory_client.py").read_text()
    assert text.count("def get_widgets") == 1 and "Hand-written" in text
    assert "def get_gadgets_name" in text  # the method it lacked is added
    assert "left BND100 public.widgets: client method does not take these arguments" in result.err
    assert "InventoryClient.get_widgets(widget_id=" in result.err
    service = (root / "app" / "services" / "widgets.py").read_text()
    assert "FROM public.widgets" in service and "get_gadgets_name" in service


def test_a_client_module_that_does_not_parse_stops_the_run_before_anything_is_written(tmp_path, run_cli):
    root = make_tree(tmp_path / "t", EXISTING_CLIENT + "\ndef broken(:\n")
    before = snapshot(root)
    result = run_cli("fix", "--write-clients", "--write-owner-handlers", "../owner", "app", cwd=root)
    assert result.code == 2
    assert "inventory_client.py: client module app.clients.inventory_client does not parse (line" in result.err
    assert "Traceback" not in result.err and "nothing was written" in result.err
    assert snapshot(root) == before and not (tmp_path / "owner").exists()


def test_a_client_class_without_request_is_named(tmp_path, run_cli):
    bare = "class InventoryClient:\n    pass\n\n\ndef get_inventory_client() -> InventoryClient:\n    ...\n"
    root = make_tree(tmp_path / "t", bare)
    before = snapshot(root)
    result = run_cli("fix", "--write-clients", "app", cwd=root)
    assert result.code == 2
    assert "InventoryClient has no _request(verb, path, *, params=None, json=None)" in result.err
    assert snapshot(root) == before


def test_a_handlers_folder_inside_the_package_being_rewritten_is_refused(tmp_path, run_cli):
    root = make_tree(tmp_path / "t")
    before = snapshot(root)
    result = run_cli("fix", "--write-clients", "--write-owner-handlers", "app/owner", "app", cwd=root)
    assert result.code == 2
    assert "app/owner: --write-owner-handlers folder is inside the package" in result.err
    assert "Traceback" not in result.err
    assert snapshot(root) == before


def test_owner_handlers_are_a_router_per_service_matching_the_contract(tmp_path, run_cli):
    pytest.importorskip("fastapi")
    root = make_tree(tmp_path / "t")
    result = run_cli("fix", "--write-clients", "--write-owner-handlers", "../owner", "--contract", "api.json",
                     "--contract-format", "openapi", "app", cwd=root)
    assert result.code == 0, result.err
    router = load(tmp_path / "owner" / "inventory_router.py", "generated_inventory_router")
    routes = {(sorted(r.methods)[0], r.path): r.operation_id for r in router.router.routes}
    document = json.loads((root / "api.json").read_text())
    contract = {(verb.upper(), path): op["operationId"] for path, item in document["paths"].items()
                for verb, op in item.items()}
    gadgets = contract.pop(("GET", "/gadgets/first/name"))  # no .sql file creates public.gadgets
    assert routes == contract
    assert f"not generated: {gadgets}: no handler: the columns of public.gadgets are unknown" in result.err
    assert router.COLUMNS == {"public.widgets": ["widget_id", "price", "made_at"]}


def test_diff_writes_no_client_and_no_handler(tmp_path, run_cli):
    root = make_tree(tmp_path / "t")
    before = snapshot(root)
    result = run_cli("fix", "--diff", "--write-clients", "--write-owner-handlers", "../owner", "app", cwd=root)
    assert result.code == 1
    assert snapshot(root) == before and not (tmp_path / "owner").exists()


def test_column_types_come_from_orm_models_for_tables_no_sql_file_creates(tmp_path, run_cli):
    root = make_tree(tmp_path / "t")
    (root / "app" / "models.py").write_text(
        "from typing import Optional\n"
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\n"
        "class Base(DeclarativeBase):\n    pass\n\n\n"
        "class Gadget(Base):\n"
        "    __tablename__ = 'gadgets'\n"
        "    __table_args__ = {'schema': 'public'}\n"
        "    gadget_id: Mapped[int] = mapped_column(primary_key=True)\n"
        "    name: Mapped[Optional[str]]\n")
    assert run_cli("fix", "--write-clients", "--contract", "api.json", "--contract-format", "openapi", "app",
                   cwd=root).code == 0
    document = json.loads((root / "api.json").read_text())
    gadget = document["paths"]["/gadgets/first/name"]["get"]
    assert gadget["responses"]["200"]["content"]["application/json"]["schema"] == {"type": ["string", "null"]}
    assert gadget["parameters"][0]["schema"] == {"type": "integer"}
    assert document["x-type-unknown"] == []
    client = (root / "app" / "clients" / "inventory_client.py").read_text()
    assert "def get_gadgets_name(self, *, gadget_id: int) -> Optional[str]:" in client


def test_an_awaitable_client_gets_async_methods_and_an_async_module(tmp_path, run_cli):
    import asyncio

    root = make_tree(tmp_path / "t")
    (root / "boundaries.toml").write_text(REGISTRY.replace("awaitable = false", "awaitable = true"))
    (root / "app" / "services" / "widgets.py").write_text(
        "from sqlalchemy import text\n\n\n"
        "async def gadget_name(session, gadget_id):\n"
        "    result = await session.execute(text(\"SELECT name FROM public.gadgets WHERE gadget_id = :g\"), "
        "{\"g\": gadget_id})\n"
        "    return result.scalar()\n")
    assert run_cli("fix", "--write-clients", "app", cwd=root).code == 0
    service = (root / "app" / "services" / "widgets.py").read_text()
    assert "await (await get_inventory_client()).get_gadgets_name(" in service
    module = load(root / "app" / "clients" / "inventory_client.py", "generated_async_inventory_client")

    def owner(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("gadget_id") == "1":
            return httpx.Response(200, json="sprocket")
        return httpx.Response(404)

    async def go():
        client = module.InventoryClient("http://inventory", transport=httpx.MockTransport(owner))
        module.set_inventory_client(client)
        same = await module.get_inventory_client()
        return same is client, await client.get_gadgets_name(gadget_id=1), await client.get_gadgets_name(gadget_id=2)

    assert asyncio.run(go()) == (True, "sprocket", None)


def test_the_markdown_contract_renders_the_same_operations(tmp_path, run_cli):
    root = make_tree(tmp_path / "t")
    assert run_cli("fix", "--write-clients", "--contract", "api.md", "app", cwd=root).code == 0
    text = (root / "api.md").read_text()
    assert "- operation: `GET /widgets/first`" in text
    assert "- answers: `widget_id` (int), `price` (Decimal), `made_at` (datetime)" in text
    assert "- answers: `name` (type unknown)" in text


def test_an_explicit_rewrite_with_an_endpoint_sends_its_placeholder_in_the_path(tmp_path, run_cli):
    root = make_tree(tmp_path / "t")
    (root / "boundaries.toml").write_text(REGISTRY + '''
[[services.inventory.rewrites]]
sql = "SELECT price FROM public.widgets WHERE widget_id = :widget_id"
call = "get_widget_price(widget_id)"
returns = "value or null"
endpoint = "GET /widgets/{widget_id}/price"
''')
    (root / "app" / "services" / "widgets.py").write_text(
        "from sqlalchemy import text\n\n\n"
        "def price(session, widget_id):\n"
        "    return session.execute(text(\"SELECT price FROM public.widgets WHERE widget_id = :widget_id\"), "
        "{\"widget_id\": widget_id}).scalar()\n")
    result = run_cli("fix", "--write-clients", "--contract", "api.json", "--contract-format", "openapi", "app",
                     cwd=root)
    assert result.code == 0, result.err
    operation = json.loads((root / "api.json").read_text())["paths"]["/widgets/{widget_id}/price"]["get"]
    assert operation["parameters"] == [{"name": "widget_id", "in": "path", "required": True,
                                        "schema": {"type": "integer"}}]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "type": "string", "format": "decimal"}
    seen = []

    def owner(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path)
        return httpx.Response(200, json="7.25")

    module = load(root / "app" / "clients" / "inventory_client.py", "generated_explicit_inventory_client")
    client = module.InventoryClient("http://inventory", transport=httpx.MockTransport(owner))
    assert client.get_widget_price(7) == Decimal("7.25")
    assert seen == [b"/widgets/7/price"]


def test_a_method_name_taken_by_a_class_attribute_stops_the_run(tmp_path, run_cli):
    client = EXISTING_CLIENT.replace("    def get_widgets(self, widget_id):",
                                     "    get_gadgets_name = None\n\n    def get_widgets(self, widget_id):")
    root = make_tree(tmp_path / "t", client)
    before = snapshot(root)
    result = run_cli("fix", "--write-clients", "app", cwd=root)
    assert result.code == 2
    assert ("inventory_client.py: InventoryClient.get_gadgets_name is already an attribute of the class, "
            "not a method") in result.err
    assert "Traceback" not in result.err
    assert snapshot(root) == before  # the consumer code is not rewritten either
