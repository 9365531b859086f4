"""Analytics DAGs (Airflow): hooks and operators with SQL, and SQL files by path."""
from datetime import datetime

from airflow import DAG
from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator
from airflow.providers.postgres.hooks.postgres import PostgresHook
from airflow.providers.postgres.operators.postgres import PostgresOperator

with DAG("pnl_daily", start_date=datetime(2024, 1, 1), schedule="@daily", catchup=False) as dag:
    refresh = PostgresOperator(
        task_id="refresh_pnl",
        postgres_conn_id="analytics",
        sql="""
            INSERT INTO public.pnl_daily (portfolio_id, day, pnl)
            SELECT o.portfolio_id, '{{ ds }}', sum(f.qty * f.price)
            FROM tradingdb.fills f
            JOIN tradingdb.orders o ON o.id = f.order_id
            WHERE f.filled_at::date = '{{ ds }}'
            GROUP BY o.portfolio_id
        """,
    )
    cleanup = SQLExecuteQueryOperator(
        task_id="cleanup",
        conn_id="analytics",
        sql=[
            "DELETE FROM analytics.report_cache WHERE day < '{{ macros.ds_add(ds, -30) }}'",
            "DELETE FROM tradingdb.candles WHERE day < '{{ macros.ds_add(ds, -3650) }}'",
        ],
    )
    from_file = PostgresOperator(task_id="from_file", sql="sql/strategy_rollup.sql")
    refresh >> cleanup >> from_file


def export_balances(**context):
    hook = PostgresHook(postgres_conn_id="analytics")
    rows = hook.get_records("SELECT account_id, cash FROM tradingdb.balances WHERE cash > %s", parameters=(0,))
    first = hook.get_first("SELECT max(day) FROM public.pnl_daily")
    frame = hook.get_pandas_df("SELECT * FROM public.portfolio")
    hook.run("UPDATE public.strategy SET exported_at = now()", autocommit=True)
    hook.insert_rows(table="analytics.balance_exports", rows=rows)
    hook.insert_rows("tradingdb.signals", rows, target_fields=["strategy_id"])
    hook.copy_expert("COPY tradingdb.quotes TO STDOUT WITH CSV", "/tmp/quotes.csv")
    return first, frame


# expect: 17 BND100 tradingdb.orders
# expect: 27 BND101 tradingdb.candles
# expect: 36 BND100 tradingdb.balances
# expect: 38 BND100 public.portfolio
# expect: 39 BND101 public.strategy
# expect: 41 BND101 tradingdb.signals
# expect: 42 BND100 tradingdb.quotes
# expect: 16 BND107 tradingdb.fills
