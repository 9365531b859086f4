"""Each reason the codemod leaves a flagged call as it is: the code is unchanged and the
reason is a warning ``line N: reason (detail)``."""

from __future__ import annotations

from libcst.codemod import CodemodTest

from boundary_lint.codemod import reasons
from boundary_lint.codemod.client_methods import ClientClass, Signature
from boundary_lint.codemod.calls import ClientSpec
from boundary_lint.codemod.decisions import KnownClient
from boundary_lint.codemod.plan import Planner
from boundary_lint.codemod.transform import RewriteSqlToClientCalls
from codemod.support import REGISTRY, SERVICE


class RefusalTest(CodemodTest):
    TRANSFORM = RewriteSqlToClientCalls

    def left(self, code: str, *warnings: str, **kwargs) -> None:
        self.assertCodemod(code, code, registry=REGISTRY, service=SERVICE, expected_warnings=list(warnings), **kwargs)


class StatementRefusals(RefusalTest):
    def test_now_is_not_a_bound_value(self) -> None:
        """Should leave a statement computing a value (NOW()) that no argument carries."""
        self.left(
            """
            async def touch(db, sid):
                await db.execute("UPDATE public.strategy SET updated_at = NOW() WHERE strategy_id = :id", {"id": sid})
            """,
            "line 2: NOW() is not a bound value",
        )

    def test_two_services_in_one_statement(self) -> None:
        """Should leave a statement joining tables of two owning services."""
        self.left(
            """
            async def joined(db, sid):
                await db.execute(
                    "SELECT * FROM public.strategy s JOIN public.kite_accounts k ON k.id = s.account_id "
                    "WHERE s.strategy_id = :id", {"id": sid})
            """,
            "line 2: two services in one statement (algo_engine, user_service)",
        )

    def test_several_tables_of_one_owner(self) -> None:
        """Should leave a join for an explicit rewrite, naming the tables."""
        self.left(
            """
            async def joined(db, sid):
                await db.execute("SELECT s.name FROM public.strategy s JOIN public.portfolio p "
                                 "ON p.strategy_id = s.strategy_id WHERE s.strategy_id = :id", {"id": sid})
            """,
            "line 2: several tables in one statement: add an explicit rewrite (public.portfolio, public.strategy)",
        )

    def test_own_table_joined_with_a_foreign_one(self) -> None:
        """Should leave a statement that also reads the service's own tables."""
        self.left(
            """
            async def joined(db, sid):
                await db.execute("SELECT o.id FROM order_service.orders o JOIN public.strategy s "
                                 "ON s.strategy_id = o.strategy_id WHERE o.id = :id", {"id": sid})
            """,
            "line 2: several tables in one statement: add an explicit rewrite (order_service.orders, public.strategy)",
        )

    def test_several_statements(self) -> None:
        """Should leave one call running two statements."""
        self.left(
            """
            def purge(cur, sid):
                cur.execute("DELETE FROM public.holdings WHERE id = %s; DELETE FROM public.holdings WHERE id = 0", (sid,))
            """,
            "line 2: several statements in one call",
        )

    def test_owner_without_a_client(self) -> None:
        """Should leave SQL on a service the registry gives no client."""
        self.left(
            """
            async def token(db, symbol):
                await db.execute("SELECT * FROM public.instrument_registry WHERE symbol = :s", {"s": symbol})
            """,
            "line 2: owning service has no client in the registry (market_data)",
        )

    def test_not_derived_constructs(self) -> None:
        """Should leave WITH, GROUP BY, computed columns and OR, each named."""
        self.left(
            """
            async def reports(db, sid):
                await db.execute("WITH x AS (SELECT * FROM public.strategy) SELECT * FROM x WHERE strategy_id = :id", {"id": sid})
                await db.execute("SELECT status, count(*) FROM public.strategy GROUP BY status")
                await db.execute("SELECT max(strategy_id) FROM public.strategy WHERE status = :s", {"s": sid})
                await db.execute("SELECT * FROM public.strategy WHERE status = :s OR name = :s", {"s": sid})
            """,
            "line 2: no conventional method for a WITH clause: add an explicit rewrite",
            "line 3: no conventional method for GROUP BY: add an explicit rewrite",
            "line 4: no conventional method for a computed column: add an explicit rewrite (MAX(strategy_id))",
            "line 5: no conventional method for OR conditions: add an explicit rewrite",
        )

    def test_runtime_fragment_and_formatted_values(self) -> None:
        """Should leave SQL whose condition is built at run time, or whose values are %-formatted."""
        self.left(
            """
            async def dynamic(db, cur, where, sid):
                await db.execute(f"SELECT * FROM public.strategy WHERE {where}")
                await cur.execute("SELECT * FROM public.strategy WHERE strategy_id = %d" % sid)
            """,
            "line 2: SQL fragment built at run time ({where})",
            "line 3: value formatted into the SQL with % or .format",
        )

    def test_findings_the_codemod_cannot_act_on(self) -> None:
        """Should leave schema changes, unowned and run-time tables, unparsable SQL, odd columns,
        and SQL that never reaches a call, each with its reason."""
        self.left(
            """
            STRATEGY_SQL = "SELECT * FROM public.strategy WHERE strategy_id = %s"

            async def more(db, t, sid, new, old, x):
                await db.execute("ALTER TABLE public.strategy ADD COLUMN x int")
                await db.execute("SELECT * FROM public.unknown_table WHERE id = :id", {"id": sid})
                await db.execute(f"SELECT * FROM public.{t} WHERE id = :id", {"id": sid})
                await db.execute("SELECT FROM WHERE ((( public.strategy JOIN public.portfolio")
                await db.execute('SELECT * FROM public.strategy WHERE "my col" = :x', {"x": x})
            """,
            "line 1: SQL not passed to a call in this file",
            "line 4: not a read or write (foreign key, schema change or ORM mapping) (public.strategy)",
            "line 5: table owned by no service (BND104) (public.unknown_table)",
            "line 6: table name built at run time (BND105) (public.{})",
            "line 7: SQL the parser cannot read",
            "line 8: column name is not a Python identifier (my col)",
        )


class CallSiteRefusals(RefusalTest):
    def test_result_used_later_as_a_cursor(self) -> None:
        """Should leave a call whose result is read as a cursor: rowcount, iteration, returned."""
        self.left(
            """
            async def uses(db, sid):
                result = await db.execute("UPDATE public.strategy SET name = 'x' WHERE strategy_id = :id", {"id": sid})
                print(result.lastrowid)
                rows = await db.execute("SELECT * FROM public.strategy WHERE status = :s", {"s": sid})
                for row in rows:
                    print(row)
                return await db.execute("SELECT * FROM public.strategy WHERE strategy_id = :id", {"id": sid})
            """,
            "line 2: result used later as a cursor (result.lastrowid)",
            "line 4: result used later as a cursor (for ... in rows)",
            "line 7: result used later as a cursor (returned to the caller)",
        )

    def test_cursor_read_twice(self) -> None:
        """Should leave ``cur.execute`` when the cursor is read more than once afterwards."""
        self.left(
            """
            def read(cur, account_id):
                cur.execute("SELECT * FROM public.holdings WHERE account_id = %s", (account_id,))
                first = cur.fetchone()
                rest = cur.fetchall()
                return first, rest
            """,
            "line 2: result used later as a cursor (cur.fetchone())",
        )

    def test_parameters(self) -> None:
        """Should leave calls whose parameters are missing or not written out at the call."""
        self.left(
            """
            async def one(db, sid):
                await db.execute("DELETE FROM public.strategy WHERE strategy_id = :id", {"sid": sid})
            async def two(db, params):
                await db.execute("DELETE FROM public.strategy WHERE strategy_id = :id", params)
            async def three(db, sid):
                await db.execute("DELETE FROM public.strategy WHERE strategy_id = :id", {"id": sid, "x": next(sid)})
            """,
            "line 2: placeholder without a value (:id)",
            "line 4: parameters are not a literal dict, tuple or argument list (params)",
            "line 6: an argument would be evaluated a different number of times (an unused parameter)",
        )

    def test_awaited_client_in_a_sync_function(self) -> None:
        """Should leave a call in a sync function when the client factory must be awaited."""
        self.left(
            """
            def sync(cur, sid):
                cur.execute("DELETE FROM public.strategy WHERE strategy_id = %s", (sid,))
            """,
            "line 2: client factory is awaited but the call is not in an async function",
        )

    def test_factory_name_taken(self) -> None:
        """Should leave a call where the factory's name means something else."""
        self.left(
            """
            async def taken(db, get_strategy_client, sid):
                await db.execute("DELETE FROM public.strategy WHERE strategy_id = :id", {"id": sid})
            """,
            "line 2: client factory name means something else in this module (get_strategy_client)",
        )

    def test_unknown_sink(self) -> None:
        """Should leave SQL reaching a sink the codemod does not rewrite."""
        self.left(
            """
            async def many(cur):
                await cur.executemany("DELETE FROM public.strategy WHERE strategy_id = %s", [(1,), (2,)])
            """,
            "line 2: not a call shape the codemod rewrites (executemany)",
        )

    def test_migrations(self) -> None:
        """Should leave data changes in Alembic and Django migrations as SQL."""
        self.left(
            """
            from alembic import op

            def upgrade():
                op.execute("UPDATE public.strategy SET name = 'x' WHERE strategy_id = 1")
            """,
            "line 4: in a migration: the data change stays SQL",
        )

    def test_client_without_the_method(self) -> None:
        """Should leave a call the client class cannot take yet, naming the call."""
        strategy_client = ClientClass("StrategyServiceClient", {
            "get_strategy": Signature(("strategy_id",), (), ("strategy_id",)),
        })
        spec = ClientSpec("app.clients.strategy", "get_strategy_client", True)
        planner = Planner(REGISTRY, clients=lambda owner, path: [KnownClient(spec, strategy_client)])
        self.left(
            """
            async def calls(conn, sid, name):
                await conn.execute("DELETE FROM public.strategy WHERE strategy_id = $1", sid)
                await conn.fetchrow("SELECT * FROM public.strategy WHERE name = $1", name)
            """,
            "line 2: client has no such method yet (see the contract) "
            "(StrategyServiceClient.delete_strategy(strategy_id=sid))",
            "line 3: client method does not take these arguments (StrategyServiceClient.get_strategy(name=name))",
            planner=planner,
        )

    def test_a_bug_in_planning_leaves_the_call(self) -> None:
        """Should leave a call (and go on) when planning it raises, saying so."""
        from unittest import mock

        with mock.patch("boundary_lint.codemod.plan.resolve_statement", side_effect=KeyError("boom")):
            self.left(
                """
                def forget(cur, account_id):
                    cur.execute("DELETE FROM public.holdings WHERE account_id = %s", (account_id,))
                """,
                "line 2: the codemod failed on this call (please report it) (KeyError: 'boom')",
            )

    def test_exported_constant_is_kept(self) -> None:
        """Should rewrite the call but keep a constant listed in ``__all__`` (and say so)."""
        self.assertCodemod(
            """
            __all__ = ["SQL"]
            SQL = "DELETE FROM public.holdings WHERE account_id = %s"

            def forget(cur, account_id):
                cur.execute(SQL, (account_id,))
            """,
            """
            from app.clients.accounts import get_account_client

            __all__ = ["SQL"]
            SQL = "DELETE FROM public.holdings WHERE account_id = %s"

            def forget(cur, account_id):
                get_account_client().delete_holdings(account_id=account_id)
            """,
            registry=REGISTRY, service=SERVICE,
            expected_warnings=["line 2: SQL constant kept (SQL: may be imported elsewhere)"],
        )


class ResultRefusals(RefusalTest):
    """What the code does with the result decides whether a client's answer can stand in."""

    def test_uses_with_no_dict_equivalent(self) -> None:
        """Should leave a row read by position from SELECT *, a row's methods, and a Row returned."""
        self.left(
            """
            async def uses(db, sid):
                row = (await db.execute("SELECT * FROM public.strategy WHERE strategy_id = :id", {"id": sid})).first()
                other = (await db.execute("SELECT name FROM public.strategy WHERE strategy_id = :id", {"id": sid})).first()
                third = (await db.execute("SELECT name FROM public.strategy WHERE status = :s", {"s": sid})).first()
                print(other.count("x"))
                return row[0], third
            """,
            "line 2: the result is used in a way a client's answer cannot stand in for "
            "(line 6: a row read by position from SELECT *: the column order is not known here)",
            "line 3: the result is used in a way a client's answer cannot stand in for "
            "(line 5: other.count('x') on a Row)",
            "line 4: the result is used in a way a client's answer cannot stand in for "
            "(line 6: used in (row[0], third): a Row becomes a dict there)",
        )

    def test_a_name_bound_twice_or_a_column_not_selected(self) -> None:
        """Should leave a row whose name is assigned again, or read by a column it does not have."""
        self.left(
            """
            async def uses(db, sid):
                row = (await db.execute("SELECT name FROM public.strategy WHERE strategy_id = :id", {"id": sid})).first()
                print(row.status)
                ok = (await db.execute("SELECT name FROM public.strategy WHERE status = :s", {"s": sid})).first()
                ok = None
            """,
            "line 2: the result is used in a way a client's answer cannot stand in for "
            "(line 3: row.status: status is not a column of the statement)",
            "line 4: the result is used in a way a client's answer cannot stand in for (line 5: ok is assigned again)",
        )

    def test_shapes_the_convention_cannot_carry(self) -> None:
        """Should leave ``one()``, a decimal literal and a discarded SELECT, saying why."""
        self.left(
            """
            async def reads(db, sid):
                row = (await db.execute("SELECT * FROM public.strategy WHERE strategy_id = :id", {"id": sid})).one()
                print(row["name"])
                await db.execute("SELECT * FROM public.strategy WHERE score > 0.5")
                await db.execute("SELECT * FROM public.strategy WHERE strategy_id = :id", {"id": sid})
            """,
            "line 2: one() and one_or_none() raise on a missing or a second row: add an explicit rewrite with returns",
            "line 4: 0.5 cannot be passed to a client as it is (a decimal literal)",
            "line 5: the result of a SELECT is not read",
        )

    def test_client_answer_of_another_shape(self) -> None:
        """Should leave a call whose client method returns what the code does not read: a row that
        raises on 404 where the code reads None, or a method with no return annotation."""
        client = ClientClass("StrategyServiceClient", {
            "get_strategy": Signature(("strategy_id",), (), ("strategy_id",), returns="Dict[str, Any]"),
            "list_strategy": Signature(("status",), (), ("status",), returns=""),
        })
        spec = ClientSpec("app.clients.strategy", "get_strategy_client", True)
        planner = Planner(REGISTRY, clients=lambda owner, path: [KnownClient(spec, client)])
        self.left(
            """
            async def reads(conn, sid):
                row = await conn.fetchrow("SELECT * FROM public.strategy WHERE strategy_id = $1", sid)
                rows = await conn.fetch("SELECT * FROM public.strategy WHERE status = $1", sid)
                return (row["name"] if row is not None else None), [r["name"] for r in rows]
            """,
            "line 2: the client method's answer is not what the code reads "
            "(get_strategy returns row (-> Dict[str, Any]); the code reads row or null)",
            "line 3: what the client method returns is not known "
            '(list_strategy has no return annotation: say returns = "..." in the rewrite)',
            planner=planner,
        )

    def test_not_a_known_sink(self) -> None:
        """Should say that SQL reaches a call the codemod does not know, not that it reaches none."""
        self.left(
            """
            async def reads(db, sid):
                return await db.run_query("SELECT * FROM public.strategy WHERE strategy_id = %s", sid)
            """,
            "line 2: SQL passed to a call that is not a known sink: add it to settings.sinks (run_query())",
        )


class TransactionRefusals(RefusalTest):
    """A write that is part of a transaction is not moved to a service call."""

    def test_write_in_a_transaction_that_writes_local_tables(self) -> None:
        """Should leave a cross-service write in a ``begin()`` block that also writes the service's own table."""
        self.left(
            """
            async def place(session, sid, order_id):
                async with session.begin():
                    await session.execute("INSERT INTO order_service.orders (id) VALUES (:o)", {"o": order_id})
                    await session.execute("UPDATE public.strategy SET status = 'busy' WHERE strategy_id = :id",
                                          {"id": sid})
            """,
            "line 4: write in a transaction that also writes other tables "
            "(line 3 writes in the transaction of line 2)",
        )

    def test_write_followed_by_commit(self) -> None:
        """Should leave a write whose session is committed afterwards: the caller owns the transaction."""
        self.left(
            """
            async def close(session, sid):
                await session.execute("UPDATE public.strategy SET status = 'closed' WHERE strategy_id = :id",
                                      {"id": sid})
                await session.commit()
            """,
            "line 2: write followed by a commit(): the caller owns the transaction (line 4: session.commit())",
        )

    def test_sql_fallback_after_the_owners_client(self) -> None:
        """Should never rewrite the SQL fallback of a failed call to the same owner's client."""
        self.left(
            """
            from app.clients.strategy import get_strategy_client

            async def name_of(db, sid):
                try:
                    return (await (await get_strategy_client()).get_strategy(strategy_id=sid))["name"]
                except Exception:
                    row = (await db.execute("SELECT name FROM public.strategy WHERE strategy_id = :id",
                                            {"id": sid})).first()
                    return row[0] if row else None
            """,
            "line 7: SQL fallback after a call to the same owner's client (get_strategy_client() in the try)",
        )


class NameRefusals(RefusalTest):
    def test_a_derived_name_that_an_explicit_rewrite_uses(self) -> None:
        """Should leave a statement whose conventional name is an explicit rewrite's other statement."""
        self.left(
            """
            async def make(conn, name):
                await conn.execute("INSERT INTO public.strategy (name, status) VALUES ($1, 'NEW')", name)
            """,
            "line 2: the derived method's name is an explicit rewrite's: add an explicit rewrite for this statement"
            " (create_strategy: services.algo_engine.rewrites[1])",
        )

    def test_one_derived_name_for_tables_of_two_schemas(self) -> None:
        """Should leave the second of two tables whose derived method names would be the same."""
        from boundary_lint.registry_schema import registry_from_mapping

        registry = registry_from_mapping({"services": {
            "order_service": {"owns": ["order_service.*"]},
            "algo_engine": {"owns": ["public.strategy", "archive.strategy"],
                            "client": {"module": "app.clients.strategy", "factory": "get_strategy_client"}}}})
        code = """
            def read(cur, sid):
                one = cur.execute("SELECT name FROM public.strategy WHERE strategy_id = %s", (sid,)).fetchone()
                two = cur.execute("SELECT name FROM archive.strategy WHERE strategy_id = %s", (sid,)).fetchone()
                return one[0], two[0]
            """
        self.assertCodemod(code, code.replace("one = cur.execute(\"SELECT name FROM public.strategy WHERE "
                                              "strategy_id = %s\", (sid,)).fetchone()",
                                              "one = get_strategy_client().get_strategy(strategy_id=sid, "
                                              "fields=['name'])").replace("one[0]", 'one["name"]').replace(
            "\n            def read", "\n            from app.clients.strategy import get_strategy_client\n\n"
                                      "            def read"),
            registry=registry, service=SERVICE, expected_warnings=[
                "line 3: one derived method name for tables of two schemas: add an explicit rewrite "
                "(get_strategy: public.strategy at <module>:2, archive.strategy here)"])

    def test_one_method_name_for_two_statements(self) -> None:
        """Should leave calls of a method the registry gives to two different statements."""
        from boundary_lint.registry_schema import registry_from_mapping

        registry = registry_from_mapping({"services": {
            "order_service": {"owns": ["order_service.*"]},
            "algo_engine": {"owns": ["public.strategy"],
                            "client": {"module": "app.clients.strategy", "factory": "get_strategy_client"},
                            "rewrites": [
                                {"sql": "SELECT * FROM public.strategy WHERE strategy_id = :id", "call": "get_strategy(id)"},
                                {"sql": "SELECT * FROM public.strategy WHERE account = :a AND is_default",
                                 "call": "get_strategy(a)"}]}}})
        code = """
            def read(cur, sid):
                row = cur.execute("SELECT * FROM public.strategy WHERE strategy_id = %s", (sid,)).fetchone()
                return row["name"]
            """
        self.assertCodemod(code, code, registry=registry, service=SERVICE, expected_warnings=[
            "line 2: one method name, two statements in the registry's rewrites: give each its own name "
            "(get_strategy: services.algo_engine.rewrites[1] and services.algo_engine.rewrites[0])"])


def test_every_reason_is_tested() -> None:
    """Every refusal message is exercised by a test in this module (or, for .sql files, the CLI tests)."""
    import inspect
    import pathlib

    here = inspect.getsource(inspect.getmodule(test_every_reason_is_tested))
    cli = (pathlib.Path(__file__).parent / "test_codemod_cli.py").read_text()
    messages = [v for k, v in vars(reasons).items() if k.isupper() and isinstance(v, str)]
    for message in messages:
        head = message.split("{")[0] if not message.startswith("{") else message.split("}")[1]
        assert head.strip() in here or head.strip() in cli, message
