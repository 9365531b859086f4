"""The SQL side of planning: canonical matching of explicit rewrites, binding by place,
conventional method names, and the registry's rewrite entries."""

from __future__ import annotations

import ast

import pytest

from boundary_lint.codemod import reasons
from boundary_lint.codemod.derive import derive
from boundary_lint.codemod.rewrites import RewriteIndex, canonical
from boundary_lint.codemod.statement import resolve_statement
from boundary_lint.registry_schema import registry_from_mapping
from boundary_lint.registry import ConfigError
from boundary_lint.sql.refs import parse_statement
from codemod.support import REGISTRY, SERVICE

PUBLIC = lambda name: "public"  # noqa: E731


def text_of(sql: str) -> str:
    return canonical(parse_statement(sql), "postgres", PUBLIC)[0]


@pytest.mark.parametrize("spelling", [
    "SELECT * FROM public.strategy WHERE strategy_id = :strategy_id",
    "select *\n  from PUBLIC.Strategy\n where STRATEGY_ID=%(id)s",
    "SELECT * FROM public.strategy WHERE strategy_id = %s::bigint",
    "SELECT * FROM public.strategy WHERE strategy_id = $1",
    "SELECT * FROM strategy WHERE strategy_id = ?  -- unqualified, through the search_path",
    "SELECT * FROM public.strategy WHERE strategy_id = bl_hole_0",
])
def test_spellings_of_one_statement_match(spelling):
    assert text_of(spelling) == text_of("SELECT * FROM public.strategy WHERE strategy_id = :x")


@pytest.mark.parametrize("other", [
    "SELECT name FROM public.strategy WHERE strategy_id = :x",
    "SELECT * FROM public.strategy WHERE strategy_id = :x LIMIT 1",
    'SELECT * FROM public."Strategy" WHERE strategy_id = :x',
    "SELECT * FROM public.strategy WHERE strategy_id = 1",
])
def test_different_statements_do_not_match(other):
    assert text_of(other) != text_of("SELECT * FROM public.strategy WHERE strategy_id = :x")


def test_positional_placeholders_keep_their_place():
    tree = parse_statement("UPDATE public.strategy SET name = %s WHERE strategy_id = %s")
    assert canonical(tree, "postgres", PUBLIC)[1] == [("pos", 0), ("pos", 1)]
    derived = derive(parse_statement("SELECT * FROM public.strategy WHERE b = %s AND a = ?"), "")
    assert ast.unparse(derived.call) == "list_strategy(b=bl_key_0, a=bl_key_1)"
    assert derived.names == (("bl_key_0", ("pos", 0)), ("bl_key_1", ("pos", 1)))


def registry_with(rewrite: dict):
    return registry_from_mapping({"services": {
        "order_service": {"owns": ["order_service.*"]},
        "algo_engine": {"owns": ["public.strategy"], "client": {"module": "m", "factory": "f"},
                        "rewrites": [rewrite]}}})


def test_explicit_rewrite_binds_names_to_the_call_sites_values():
    registry = registry_with({"sql": "UPDATE public.strategy SET total_pnl = :pnl WHERE strategy_id = :id",
                              "call": "sync_pnl(id, {'total': pnl})"})
    resolved = resolve_statement("UPDATE public.strategy SET total_pnl = %s WHERE strategy_id = %s",
                                 registry, RewriteIndex(registry), "algo_engine", "order_service")
    assert (resolved.method, resolved.explicit) == ("sync_pnl", True)
    assert dict(resolved.names) == {"id": ("pos", 1), "pnl": ("pos", 0)}
    assert resolved.keys == (("pos", 1), ("pos", 0))


def test_one_name_taking_two_values_is_no_match():
    registry = registry_with({"sql": "SELECT * FROM public.strategy WHERE a = :x AND b = :x", "call": "both(x)"})
    resolved = resolve_statement("SELECT * FROM public.strategy WHERE a = :p AND b = :q",
                                 registry, RewriteIndex(registry), "algo_engine", "order_service")
    assert (resolved.method, resolved.explicit) == ("list_strategy", False)


@pytest.mark.parametrize("rewrite, message", [
    ({"sql": "SELECT * FROM public.strategy WHERE id = :id", "call": "get(sid)"}, "call uses sid, not a placeholder"),
    ({"sql": "SELECT * FROM public.strategy WHERE id = %s", "call": "get()"}, "name every placeholder"),
    ({"sql": "SELEC * FROM", "call": "get()"}, "is not one SQL statement"),
    ({"sql": "SELECT 1", "call": "1 + 2"}, "must be a method call"),
    ({"sql": "SELECT 1", "calls": "get()"}, "unknown key"),
])
def test_bad_rewrites_are_configuration_errors(rewrite, message):
    with pytest.raises(ConfigError, match=message):
        RewriteIndex(registry_with(rewrite))


def test_two_rewrites_with_one_sql_are_an_error():
    registry = registry_from_mapping({"services": {
        "order_service": {"owns": ["order_service.*"]},
        "algo_engine": {"owns": ["public.strategy"], "rewrites": [
            {"sql": "DELETE FROM public.strategy WHERE id = :a", "call": "one(a)"},
            {"sql": "delete from public.strategy where id = :b", "call": "two(b)"}]}}})
    with pytest.raises(ConfigError, match="have the same sql"):
        RewriteIndex(registry).match("algo_engine", "order_service", "x")


@pytest.mark.parametrize("sql, shape, call", [
    # every condition reaches the call, bound or constant (the is_default filter too)
    ("SELECT * FROM public.strategy WHERE strategy_id = :id AND is_default", "row or null",
     "get_strategy(strategy_id=bl_key_0, is_default=True)"),
    ("SELECT name FROM public.strategy s WHERE s.account = :a ORDER BY name LIMIT :n", "rows",
     "list_strategy(account=bl_key_0, fields=['name'], order_by=['name'], limit=bl_key_1)"),
    # a value read names its column; LIMIT 1 of a one-row read says nothing more
    ("SELECT id FROM public.strategy WHERE kind = 'user_managed' AND status IN ('running', 'idle') "
     "AND deleted_at IS NULL ORDER BY created DESC LIMIT 1", "value or null",
     "get_strategy_id(kind='user_managed', status_in=['running', 'idle'], deleted_at_is_null=True, "
     "order_by=['-created'])"),
    ("SELECT * FROM public.strategy WHERE created < :t AND kind IN (:kinds)", "rows",
     "list_strategy(created_lt=bl_key_0, kind_in=[bl_key_1])"),
    ("SELECT * FROM public.strategy WHERE id = ANY(:ids) AND NOT archived AND closed_at IS NOT NULL", "rows",
     "list_strategy(id_in=bl_key_0, archived=False, closed_at_is_null=False)"),
    ("SELECT id FROM public.strategy", "values", "list_strategy_id()"),
    ("SELECT * FROM public.strategy", "rows", "list_strategy()"),
    ("INSERT INTO public.strategy (name, status) VALUES (:name, 'NEW') RETURNING id", "nothing",
     "create_strategy(name=bl_key_0, status='NEW')"),
    ("INSERT INTO public.strategy (name, status) VALUES (:name, 'NEW') RETURNING id", "value or null",
     "create_strategy_returning_id(name=bl_key_0, status='NEW')"),
    ("INSERT INTO public.strategy (id, name) VALUES (:id, :name) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name",
     "nothing", "upsert_strategy(id=bl_key_0, name=bl_key_1, on_conflict=['id'], update=['name'])"),
    # values to set and conditions to match are kept apart
    ("UPDATE public.strategy SET name = :name, status = 'X', closed_at = NULL WHERE id = :id AND status = 'hot'",
     "count", "update_strategy(where={'id': bl_key_0, 'status': 'hot'}, "
              "values={'name': bl_key_1, 'status': 'X', 'closed_at': None})"),
    ("DELETE FROM public.strategy WHERE id = %s AND created BETWEEN 1 AND 5", "nothing",
     "delete_strategy(id=bl_key_0, created_gte=1, created_lte=5)"),
    ('SELECT * FROM public."Strategy" WHERE "Id" = :id', "row or null", "get_Strategy(Id=bl_key_0)"),
])
def test_conventional_methods(sql, shape, call):
    derived = derive(parse_statement(sql), sql, shape=shape)
    assert ast.unparse(derived.call) == call


@pytest.mark.parametrize("sql, shape, message", [
    ("SELECT * FROM public.strategy WHERE id = :id", "value or null", "a value read from several columns"),
    ("SELECT * FROM public.strategy WHERE id = :id", "row", "one() and one_or_none() raise"),
    ("SELECT * FROM public.strategy WHERE id = :id LIMIT :n", "row or null", "a LIMIT that may be 0"),
    ("SELECT id AS strategy_id FROM public.strategy", "rows", "a renamed column"),
    ("SELECT * FROM public.strategy ORDER BY id NULLS FIRST", "rows", "NULLS FIRST/LAST"),
    ("SELECT * FROM public.strategy WHERE score > 0.5", "rows", "cannot be passed"),
    ("SELECT * FROM public.strategy WHERE fields = :f", "rows", "a column named fields"),
    ("UPDATE public.strategy SET a = :a WHERE id = :id RETURNING a", "row or null", "RETURNING read as row or null"),
])
def test_shapes_the_convention_cannot_carry(sql, shape, message):
    with pytest.raises(reasons.Refused) as refused:
        derive(parse_statement(sql), sql, shape=shape)
    assert message in refused.value.message + " " + refused.value.detail


@pytest.mark.parametrize("sql, message", [
    ("INSERT INTO public.strategy (a) VALUES (:a), (:b)", "no conventional method for several rows"),
    ("INSERT INTO public.strategy (a) SELECT a FROM public.other", "no conventional method for INSERT ... SELECT"),
    ("INSERT INTO public.strategy VALUES (:a)", "no conventional method for an INSERT without a column list"),
    ("UPDATE public.strategy SET n = n + 1 WHERE id = :id", "n + 1 is not a bound value"),
    ("SELECT * FROM public.strategy WHERE lower(name) = :n", "no conventional method for a condition on a computed value"),
    ("SELECT * FROM public.strategy WHERE id IN (SELECT id FROM public.strategy)", "no conventional method for"),
    ("MERGE INTO public.strategy t USING public.s s ON t.id = s.id WHEN MATCHED THEN DELETE",
     "no conventional method for a MERGE statement"),
    ("SELECT * FROM public.strategy WHERE class = :c", "column name is not a Python identifier"),
])
def test_statements_without_a_conventional_method(sql, message):
    with pytest.raises(reasons.Refused) as refused:
        derive(parse_statement(sql), sql)
    assert message in refused.value.message + " " + refused.value.detail or message in refused.value.message


def test_resolution_uses_the_calling_services_search_path():
    resolved = resolve_statement("SELECT * FROM strategy WHERE strategy_id = :id", REGISTRY,
                                 RewriteIndex(REGISTRY), "algo_engine", SERVICE, "row or null")
    assert (resolved.method, resolved.table) == ("get_strategy", "public.strategy")
