"""Analytics notebook helpers: prose, granted reads and own tables only."""
import logging

import pandas as pd

logger = logging.getLogger(__name__)

MARKDOWN = """
## Fills by strategy

Select a strategy below. The numbers come from tradingdb.fills joined with
public.strategy (both granted to analytics).
"""

README_SNIPPET = "Update the dashboard after running: SELECT refresh_dashboards();"


def granted(engine):
    fills = pd.read_sql("SELECT * FROM tradingdb.fills WHERE qty > 0", engine)
    names = pd.read_sql_table("strategy", engine, schema="public")
    own = pd.read_sql("SELECT * FROM pnl_daily JOIN strategy_pnl_metrics USING (strategy_id)", engine)
    cached = pd.read_sql_query("SELECT * FROM analytics.report_cache", engine)
    return fills, names, own, cached


def save(frame, engine):
    frame.to_sql("pnl_daily", engine, schema="public", if_exists="append")
    frame.to_sql("report_cache", engine, if_exists="replace")
    logger.info("to_sql into tradingdb.fills skipped: read only")


def describe():
    return {
        "query": "select the rows you want from the table below",
        "help": "Copy selected rows to the clipboard",
        "revoke": "Revoke the analytics token",
    }
