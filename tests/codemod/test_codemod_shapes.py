"""The codemod on each sink shape, each absorbed chain, async and sync, explicit and derived.

Every case is also run a second time on its own output, which must not change.
"""

from __future__ import annotations

from libcst.codemod import CodemodTest

from boundary_lint.codemod.transform import RewriteSqlToClientCalls
from codemod.support import REGISTRY, SERVICE


class FixTest(CodemodTest):
    TRANSFORM = RewriteSqlToClientCalls

    def fix(self, before: str, after: str, warnings=(), **kwargs) -> None:
        self.assertCodemod(before, after, registry=REGISTRY, service=SERVICE,
                           expected_warnings=list(warnings), **kwargs)
        self.assertCodemod(after, after, registry=REGISTRY, service=SERVICE, **kwargs)


class SinkShapes(FixTest):
    def test_sqlalchemy_text_with_params_dict(self) -> None:
        """Should replace ``await db.execute(text(SQL), params)`` and drop the unused ``text`` import."""
        self.fix(
            """
            from sqlalchemy import text

            async def rename(db, strategy_id, name):
                await db.execute(text("UPDATE public.strategy SET name = :name WHERE strategy_id = :id"),
                                 {"name": name, "id": strategy_id})
            """,
            """
            from app.clients.strategy import get_strategy_client

            async def rename(db, strategy_id, name):
                await (await get_strategy_client()).update_strategy(
                    where={'strategy_id': strategy_id},
                    values={'name': name},
                )
            """,
        )

    def test_psycopg_cursor_with_tuple(self) -> None:
        """Should replace a sync ``cur.execute(SQL, args)`` with a sync client call."""
        self.fix(
            """
            def forget(cur, account_id):
                cur.execute("DELETE FROM public.kite_accounts WHERE account_id = %s", (account_id,))
            """,
            """
            from app.clients.accounts import get_account_client

            def forget(cur, account_id):
                get_account_client().delete_kite_accounts(account_id=account_id)
            """,
        )

    def test_asyncpg_positional_arguments(self) -> None:
        """Should bind ``$1`` to the first argument after the SQL in ``await conn.fetchrow(SQL, *args)``."""
        self.fix(
            """
            async def load(conn, strategy_id, status):
                row = await conn.fetchrow(
                    "SELECT * FROM public.strategy WHERE status = $2 AND strategy_id = $1", strategy_id, status
                )
                return row["name"] if row else None
            """,
            """
            from app.clients.strategy import get_strategy_client

            async def load(conn, strategy_id, status):
                row = await (await get_strategy_client()).get_strategy(status=status, strategy_id=strategy_id)
                return row["name"] if row else None
            """,
        )

    def test_module_constant_sql_is_removed_when_unused(self) -> None:
        """Should remove the statement holding the SQL once no code uses it, keeping the rest."""
        self.fix(
            """
            from sqlalchemy import text

            LIMIT = 10

            # The lookup the algo engine should serve.
            STRATEGY_SQL = text(\"\"\"
                SELECT s.strategy_id, s.name
                FROM public.strategy s
                WHERE s.strategy_id = :strategy_id
            \"\"\")

            async def load(session, strategy_id):
                row = await session.execute(STRATEGY_SQL, {"strategy_id": strategy_id})
                return row.mappings().first()
            """,
            """
            from app.clients.strategy import get_strategy_client

            LIMIT = 10

            async def load(session, strategy_id):
                return await (await get_strategy_client()).get_strategy(
                    strategy_id=strategy_id,
                    fields=['strategy_id', 'name'],
                )
            """,
        )

    def test_f_string_values_are_bound(self) -> None:
        """Should pass an f-string value standing where a value goes as the argument."""
        self.fix(
            """
            async def name_of(db, strategy_id):
                return (await db.execute(f"SELECT name FROM public.strategy WHERE strategy_id = {strategy_id}")).scalar()
            """,
            """
            from app.clients.strategy import get_strategy_client

            async def name_of(db, strategy_id):
                return await (await get_strategy_client()).get_strategy_name(strategy_id=strategy_id)
            """,
        )


class AbsorbedChains(FixTest):
    def chain(self, chain: str, sql: str, use: str, call: str, used: str) -> None:
        self.fix(
            f"""
            async def load(db, sid):
                row = (await db.execute("{sql} FROM public.strategy WHERE strategy_id = :sid", {{"sid": sid}})){chain}
                return {use}
            """,
            f"""
            from app.clients.strategy import get_strategy_client

            async def load(db, sid):
                row = await (await get_strategy_client()).{call}
                return {used}
            """,
        )

    def test_scalar(self) -> None:
        """Should absorb a directly chained ``.scalar()``: a value, named after its column."""
        self.chain(".scalar()", "SELECT name", "row", "get_strategy_name(strategy_id=sid)", "row")

    def test_first(self) -> None:
        """Should absorb ``.first()`` and read the row's attributes as the dict's keys."""
        self.chain(".first()", "SELECT *", "row.name if row is not None else None",
                   "get_strategy(strategy_id=sid)", 'row["name"] if row is not None else None')

    def test_all(self) -> None:
        """Should absorb ``.all()`` and read each row of the loop by its column's name."""
        self.chain(".all()", "SELECT name", "[(r[0], r.name) for r in row]",
                   "list_strategy(strategy_id=sid, fields=['name'])", '[(r["name"], r["name"]) for r in row]')

    def test_mappings_first(self) -> None:
        """Should absorb ``.mappings().first()`` as one chain; a mapping may be returned as it is."""
        self.chain(".mappings().first()", "SELECT *", "row", "get_strategy(strategy_id=sid)", "row")

    def test_scalars_all(self) -> None:
        """Should absorb ``.scalars().all()``: a list of one column's values."""
        self.chain(".scalars().all()", "SELECT name", "row", "list_strategy_name(strategy_id=sid)", "row")

    def test_fetchone_and_fetchall_on_a_sync_cursor(self) -> None:
        """Should absorb ``.fetchone()`` and ``.fetchall()`` chained on ``cur.execute(...)``."""
        self.fix(
            """
            def holdings(cur, account_id):
                one = cur.execute("SELECT symbol FROM public.holdings WHERE account_id = %s", (account_id,)).fetchone()
                every = cur.execute("SELECT symbol FROM public.holdings WHERE account_id = ?", [account_id]).fetchall()
                return one[0], [row[0] for row in every]
            """,
            """
            from app.clients.accounts import get_account_client

            def holdings(cur, account_id):
                one = get_account_client().get_holdings(account_id=account_id, fields=['symbol'])
                every = get_account_client().list_holdings(account_id=account_id, fields=['symbol'])
                return one["symbol"], [row["symbol"] for row in every]
            """,
        )

    def test_chain_on_the_result_in_the_next_statement(self) -> None:
        """Should absorb ``result = await ...`` whose one use is a chain in the next statement,
        and carry the comment of the removed statement over."""
        self.fix(
            """
            async def load(session, strategy_id):
                # direct read, for now
                result = await session.execute("SELECT * FROM public.strategy WHERE strategy_id = :id", {"id": strategy_id})
                row = result.mappings().first()
                return dict(row) if row else None
            """,
            """
            from app.clients.strategy import get_strategy_client

            async def load(session, strategy_id):
                # direct read, for now
                row = await (await get_strategy_client()).get_strategy(strategy_id=strategy_id)
                return dict(row) if row else None
            """,
        )

    def test_cursor_read_in_the_next_statement(self) -> None:
        """Should absorb ``await cur.execute(...)`` followed by one ``await cur.fetchall()``, and drop the
        cursor context nothing uses any more."""
        self.fix(
            """
            async def holdings(conn, account_id):
                async with conn.cursor() as cur:
                    await cur.execute("SELECT * FROM public.holdings WHERE account_id = %(a)s", {"a": account_id})
                    return [dict(row) for row in await cur.fetchall()]
            """,
            """
            from app.clients.accounts import get_account_client

            async def holdings(conn, account_id):
                return [dict(row) for row in get_account_client().list_holdings(account_id=account_id)]
            """,
        )

    def test_result_used_as_a_value_of_an_expression(self) -> None:
        """Should parenthesise the awaited call where an attribute is read from it."""
        self.fix(
            """
            async def count(conn, sid):
                return (await conn.fetchval("SELECT name FROM public.strategy WHERE strategy_id = $1", sid)).upper()
            """,
            """
            from app.clients.strategy import get_strategy_client

            async def count(conn, sid):
                return (await (await get_strategy_client()).get_strategy_name(strategy_id=sid)).upper()
            """,
        )


class ExplicitAndDerived(FixTest):
    def test_explicit_rewrite_matches_whatever_the_spelling(self) -> None:
        """Should match an explicit rewrite across case, whitespace, paramstyle and placeholder names."""
        self.fix(
            """
            async def portfolio(conn, pid):
                row = await conn.fetchrow("select *\\n  from PUBLIC.Portfolio\\n where PORTFOLIO_ID=$1", pid)
                return row["name"]
            """,
            """
            from app.clients.strategy import get_strategy_client

            async def portfolio(conn, pid):
                row = await (await get_strategy_client()).fetch_portfolio(pid)
                return row["name"]
            """,
        )

    def test_explicit_rewrite_with_a_template(self) -> None:
        """Should fill the call template, dict and trailing subscript included."""
        self.fix(
            """
            async def create(db, name, account):
                sql = "INSERT INTO public.strategy (name, trading_account_id) VALUES (%s, %s) RETURNING strategy_id"
                return (await db.execute(sql, (name, account))).scalar_one()
            """,
            """
            from app.clients.strategy import get_strategy_client

            async def create(db, name, account):
                return (await (await get_strategy_client()).create_strategy(
                    {'name': name, 'account': account},
                ))['strategy_id']
            """,
        )

    def test_derived_methods(self) -> None:
        """Should derive list_/create_/upsert_ names with keyword arguments named after the columns."""
        self.fix(
            """
            async def work(conn, sid, since, name, pid):
                rows = await conn.fetch("SELECT * FROM public.strategy WHERE strategy_id = $1 AND updated_at > $2", sid, since)
                await conn.execute("INSERT INTO public.portfolio (name, status) VALUES ($1, 'NEW')", name)
                return [row["name"] for row in rows]

            async def link(conn, sid, pid):
                await conn.execute(
                    "INSERT INTO public.strategy_portfolio (strategy_id, portfolio_id) VALUES ($1, $2) "
                    "ON CONFLICT (strategy_id, portfolio_id) DO NOTHING",
                    sid, pid,
                )
            """,
            """
            from app.clients.strategy import get_strategy_client

            async def work(conn, sid, since, name, pid):
                rows = await (await get_strategy_client()).list_strategy(strategy_id=sid, updated_at_gt=since)
                await (await get_strategy_client()).create_portfolio(name=name, status='NEW')
                return [row["name"] for row in rows]

            async def link(conn, sid, pid):
                await (await get_strategy_client()).upsert_strategy_portfolio(
                    strategy_id=sid,
                    portfolio_id=pid,
                    on_conflict=['strategy_id', 'portfolio_id'],
                    update=[],
                )
            """,
        )

    def test_a_long_call_is_broken_over_lines(self) -> None:
        """Should put the arguments one per line (and a long dict's entries) when the line would be too long."""
        self.fix(
            """
            class Store:
                async def rename(self, db, strategy_identifier, new_strategy_name, new_status):
                    await db.execute("UPDATE public.strategy SET name = :n, status = :s WHERE strategy_id = :id",
                                     {"n": new_strategy_name, "s": new_status, "id": strategy_identifier})
            """,
            """
            from app.clients.strategy import get_strategy_client

            class Store:
                async def rename(self, db, strategy_identifier, new_strategy_name, new_status):
                    await (await get_strategy_client()).update_strategy(
                        where={'strategy_id': strategy_identifier},
                        values={'name': new_strategy_name, 'status': new_status},
                    )
            """,
        )

    def test_async_call_with_a_sync_client_is_not_awaited(self) -> None:
        """Should not await a sync client's method where the original driver call was awaited."""
        self.fix(
            """
            async def forget(conn, account_id):
                await conn.execute("DELETE FROM public.holdings WHERE account_id = $1", account_id)
            """,
            """
            from app.clients.accounts import get_account_client

            async def forget(conn, account_id):
                get_account_client().delete_holdings(account_id=account_id)
            """,
        )

    def test_arguments_after_non_ascii_text(self) -> None:
        """Should find the arguments by character column after non-ASCII text on the line."""
        self.fix(
            """
            async def load(conn, sid):
                row = await conn.fetchrow("SELECT * FROM public.strategy WHERE name = 'Stratégie 日本' AND strategy_id = $1", sid)
                return row["status"]
            """,
            """
            from app.clients.strategy import get_strategy_client

            async def load(conn, sid):
                row = await (await get_strategy_client()).get_strategy(name='Stratégie 日本', strategy_id=sid)
                return row["status"]
            """,
        )

    def test_suppressed_finding_is_left_alone(self) -> None:
        """Should not touch a call whose finding is suppressed with ``# noqa``."""
        self.fix(
            """
            def legacy(cur, sid):
                cur.execute("DELETE FROM public.kite_accounts WHERE account_id = %s", (sid,))  # noqa: BND101
            """,
            """
            def legacy(cur, sid):
                cur.execute("DELETE FROM public.kite_accounts WHERE account_id = %s", (sid,))  # noqa: BND101
            """,
        )


class ImportPlacement(FixTest):
    def test_after_the_sys_path_change_a_script_needs(self) -> None:
        """Should put the client import after ``sys.path.insert(...)`` and the imports that follow it."""
        self.fix(
            """
            \"\"\"A maintenance script.\"\"\"
            from __future__ import annotations

            import sys
            from pathlib import Path

            sys.path.insert(0, str(Path(__file__).parent))

            from app.db import session_scope


            def forget(cur, account_id):
                cur.execute("DELETE FROM public.kite_accounts WHERE account_id = %s", (account_id,))
            """,
            """
            \"\"\"A maintenance script.\"\"\"
            from __future__ import annotations

            import sys
            from pathlib import Path

            sys.path.insert(0, str(Path(__file__).parent))

            from app.db import session_scope
            from app.clients.accounts import get_account_client


            def forget(cur, account_id):
                get_account_client().delete_kite_accounts(account_id=account_id)
            """,
        )

    def test_after_future_imports_and_into_an_existing_import(self) -> None:
        """Should keep ``from __future__`` first, and add to an import of the client module already there."""
        self.fix(
            """
            \"\"\"Accounts.\"\"\"
            from __future__ import annotations
            from app.clients.accounts import AccountError


            def forget(cur, account_id):
                cur.execute("DELETE FROM public.kite_accounts WHERE account_id = %s", (account_id,))
            """,
            """
            \"\"\"Accounts.\"\"\"
            from __future__ import annotations
            from app.clients.accounts import AccountError, get_account_client


            def forget(cur, account_id):
                get_account_client().delete_kite_accounts(account_id=account_id)
            """,
        )


class ResultsReadLater(FixTest):
    def test_cursor_rowcount_becomes_the_count(self) -> None:
        """Should keep a DB-API write's ``cur.rowcount`` as the count the client returns."""
        self.fix(
            """
            def disable(cur, account_id):
                cur.execute("UPDATE public.kite_accounts SET enabled = FALSE WHERE account_id = %s", (account_id,))
                if cur.rowcount == 0:
                    raise LookupError(account_id)
                return cur.rowcount
            """,
            """
            from app.clients.accounts import get_account_client

            def disable(cur, account_id):
                rowcount = get_account_client().update_kite_accounts(
                    where={'account_id': account_id},
                    values={'enabled': False},
                )
                if rowcount == 0:
                    raise LookupError(account_id)
                return rowcount
            """,
        )

    def test_a_result_read_statements_later(self) -> None:
        """Should call the client where the statement ran and let the later read take its answer."""
        self.fix(
            """
            async def later(session, sid):
                result = await session.execute("SELECT name FROM public.strategy WHERE strategy_id = :id", {"id": sid})
                print("looked up", sid)
                row = result.first()
                return row.name if row else None
            """,
            """
            from app.clients.strategy import get_strategy_client

            async def later(session, sid):
                result = await (await get_strategy_client()).get_strategy(strategy_id=sid, fields=['name'])
                print("looked up", sid)
                row = result
                return row["name"] if row else None
            """,
        )

    def test_a_result_read_in_a_loop_is_left(self) -> None:
        """Should leave a result fetched from inside a loop: each round reads another row."""
        code = """
            async def looped(session, sid):
                result = await session.execute("SELECT name FROM public.strategy WHERE strategy_id = :id", {"id": sid})
                for _ in range(2):
                    print(result.first())
            """
        self.assertCodemod(code, code, registry=REGISTRY, service=SERVICE,
                           expected_warnings=["line 2: result used later as a cursor (result.first())"])

    def test_rows_iterated_in_the_next_statements_loop(self) -> None:
        """Should absorb ``cur.fetchall()`` in the ``for`` right after ``cur.execute`` (its iterable runs once)."""
        self.fix(
            """
            def enabled(conn):
                ids = []
                with conn.cursor(row_factory=dict_row) as cur:
                    cur.execute("SELECT account_id FROM public.kite_accounts WHERE enabled ORDER BY account_id")
                    for row in cur.fetchall():
                        ids.append(row["account_id"])
                return ids
            """,
            """
            from app.clients.accounts import get_account_client

            def enabled(conn):
                ids = []
                for row in get_account_client().list_kite_accounts(
                    enabled=True,
                    fields=['account_id'],
                    order_by=['account_id'],
                ):
                    ids.append(row["account_id"])
                return ids
            """,
        )

    def test_a_dict_row_cursor_row_unpacks_to_keys_before_and_after(self) -> None:
        """Should leave ``a, b = row`` as it is on a ``dict_row`` cursor (keys, before and after)."""
        self.fix(
            """
            def names(conn, account_id):
                with conn.cursor(row_factory=dict_row) as cur:
                    cur.execute("SELECT symbol, exchange FROM public.holdings WHERE account_id = %s", (account_id,))
                    row = cur.fetchone()
                first, second = row
                return first, second
            """,
            """
            from app.clients.accounts import get_account_client

            def names(conn, account_id):
                row = get_account_client().get_holdings(
                    account_id=account_id,
                    fields=['symbol', 'exchange'],
                )
                first, second = row
                return first, second
            """,
        )
