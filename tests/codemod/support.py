"""Shared by the codemod tests: a small platform registry and a way to run the codemod."""

from __future__ import annotations

import sys
from typing import List, Tuple

from boundary_lint.registry_schema import registry_from_mapping

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REGISTRY_TOML = '''
[settings]
dialect = "postgres"

[services.order_service]
owns = ["order_service.*"]
search_path = ["order_service", "public"]

[services.algo_engine]
owns = ["public.strategy", "public.portfolio", "public.strategy_portfolio"]
client = { module = "app.clients.strategy", factory = "get_strategy_client", awaitable = true }

[[services.algo_engine.rewrites]]
sql = "SELECT * FROM public.portfolio WHERE portfolio_id = :portfolio_id"
call = "fetch_portfolio(portfolio_id)"

[[services.algo_engine.rewrites]]
sql = "INSERT INTO public.strategy (name, trading_account_id) VALUES (:name, :account) RETURNING strategy_id"
call = "create_strategy({'name': name, 'account': account})['strategy_id']"

[services.user_service]
owns = ["public.kite_accounts", "public.holdings", "user_service.*"]
client = { module = "app.clients.accounts", factory = "get_account_client" }

[services.market_data]
owns = ["public.instrument_registry"]
'''

REGISTRY = registry_from_mapping(tomllib.loads(REGISTRY_TOML))
SERVICE = "order_service"


def run_codemod(source: str, registry=REGISTRY, service: str = SERVICE, **kwargs) -> Tuple[str, List[str]]:
    """The rewritten code and the warnings, for a module's source."""
    import libcst as cst
    from libcst.codemod import CodemodContext

    from boundary_lint.codemod.transform import RewriteSqlToClientCalls

    context = CodemodContext()
    command = RewriteSqlToClientCalls(context, registry, service, **kwargs)
    return command.transform_module(cst.parse_module(source)).code, list(context.warnings)
