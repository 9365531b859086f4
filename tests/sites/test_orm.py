"""ORM models, Alembic migrations, Django and composed SQL: what is a table reference, and where."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap

import pytest

from boundary_lint.registry_schema import registry_from_mapping
from expectations import at, python_findings
from boundary_lint.model import Operation
from boundary_lint.sites.orm import ORM_STATEMENT, orm_references, split_qualified

REGISTRY = registry_from_mapping(
    {
        "services": {
            "orders": {"owns": ["orders.*"], "search_path": ["orders", "public"]},
            "algo": {"owns": ["public.strategy", "public.portfolio"]},
            "users": {"owns": ["users.*", "accounts"]},
        },
    }
)


def findings(source: str, service: str = "orders"):
    return python_findings(source, REGISTRY, service)


# -- SQLAlchemy ---------------------------------------------------------------


def test_foreign_key_points_at_the_name_inside_the_string():
    source = '''
    class Order(Base):
        __tablename__ = "orders"
        __table_args__ = {"schema": "orders"}
        strategy_id = mapped_column(ForeignKey("public.strategy.strategy_id", ondelete="CASCADE"))
        own_id = Column(Integer, sa.ForeignKey("orders.orders.id"))
    '''
    assert findings(source) == [(*at(source, "public.strategy"), "BND102", "public.strategy")]


def test_unqualified_foreign_key_resolves_through_the_search_path_or_the_metadata_schema():
    source = '''
    Base = declarative_base(metadata=MetaData(schema="users"))

    class Order(Base):
        __tablename__ = "orders"
        __table_args__ = {"schema": "orders"}
        strategy_id = Column(ForeignKey("strategy.id"))   # Base's MetaData schema: users

    other = Table("x", MetaData(), Column("p", ForeignKey("portfolio.id")), schema="orders")
    '''
    assert findings(source) == [
        (*at(source, "strategy.id"), "BND102", "users.strategy"),
        (*at(source, "portfolio.id"), "BND102", "public.portfolio"),  # search_path: orders, public
    ]


def test_foreign_key_constraint_gives_one_finding_per_referenced_table():
    source = '''
    t = Table(
        "fills", metadata,
        ForeignKeyConstraint(["a", "b"], ["public.strategy.a", "public.strategy.b"]),
        ForeignKeyConstraint(columns=["u"], refcolumns=["users.accounts.id"]),
        schema="orders",
    )
    '''
    assert findings(source) == [
        (*at(source, "public.strategy.a"), "BND102", "public.strategy"),
        (*at(source, "users.accounts"), "BND102", "users.accounts"),
    ]


def test_declarative_mapping_of_another_services_table_is_bnd106_at_the_table_name():
    source = '''
    class Strategy(Base):
        __tablename__ = "strategy"
        __table_args__ = (UniqueConstraint("name"), Index("ix", "name"), {"schema": "public"})

    class Portfolio(Base):
        __tablename__ = "portfolio"     # unqualified: search_path orders, public

    class Order(Base):
        __tablename__ = "orders"
        # __table_args__ = {"schema": "public"}   a comment changes nothing

    class Abstract(Base):
        __abstract__ = True
        __tablename__ = "strategy"
    '''
    assert findings(source) == [
        (*at(source, 'strategy"'), "BND106", "public.strategy"),
        (*at(source, 'portfolio"'), "BND106", "public.portfolio"),
    ]


def test_metadata_schema_of_the_base_class_applies():
    source = '''
    class Base(DeclarativeBase):
        metadata = MetaData(schema="users")

    class Account(Base):
        __tablename__ = "profiles"

    class Mine(Base):
        __tablename__ = "orders"
        __table_args__ = {"schema": "orders"}
    '''
    assert findings(source) == [(*at(source, 'profiles"'), "BND106", "users.profiles")]


def test_table_and_lightweight_table_constructs():
    source = '''
    legacy = MetaData(schema="public")
    strategy = Table("strategy", legacy, Column("id", Integer))
    portfolio = sa.table("portfolio", sa.column("id"), schema="public")
    mine = Table("orders", MetaData(), schema="orders")
    report = Table("Name", "Age")       # rich.table.Table: not SQLAlchemy
    '''
    assert findings(source) == [
        (*at(source, 'strategy"'), "BND106", "public.strategy"),
        (*at(source, 'portfolio"'), "BND106", "public.portfolio"),
    ]


def test_a_schema_from_a_constant_resolves_and_one_from_run_time_is_bnd105():
    source = '''
    SCHEMA = "public"

    class Strategy(Base):
        __tablename__ = "strategy"
        __table_args__ = {"schema": SCHEMA}

    class Dynamic(Base):
        __tablename__ = "things"
        __table_args__ = {"schema": settings.DB_SCHEMA}

    fk = ForeignKey(f"{SCHEMA}.portfolio.id")
    '''
    assert findings(source) == [
        (*at(source, 'strategy"'), "BND106", "public.strategy"),
        (*at(source, 'things"'), "BND105", "{}.things"),
        (*at(source, "{SCHEMA}.portfolio"), "BND102", "public.portfolio"),
    ]


def test_mapping_noqa_on_the_class_line_and_fk_noqa_on_its_line():
    source = '''
    class Strategy(Base):  # noqa: BND106
        __tablename__ = "strategy"
        __table_args__ = {"schema": "public"}
        pid = Column(ForeignKey("public.portfolio.id"))  # noqa: BND102
    '''
    assert findings(source) == []


def test_an_object_foreign_key_is_left_to_the_mapping():
    source = '''
    class Order(Base):
        __tablename__ = "orders"
        strategy_id = Column(ForeignKey(Strategy.id))
        other_id = Column(ForeignKey(strategy_table.c.id))
    '''
    assert findings(source) == []


# -- Django ---------------------------------------------------------------------


@pytest.mark.parametrize("db_table", ['\'"public"."strategy"\'', '"public.strategy"', '"strategy"'])
def test_django_db_table_of_another_service_is_bnd106(db_table):
    source = f'''
    class Strategy(models.Model):
        class Meta:
            managed = False
            db_table = {db_table}
    '''
    [(line, column, code, table)] = findings(source)
    assert (line, code, table) == (5, "BND106", "public.strategy")
    assert textwrap.dedent(source).splitlines()[line - 1][column - 1 :].lstrip("\"'").startswith(
        ("public", "strategy")
    )


def test_django_foreign_keys_name_models_not_tables():
    source = '''
    class Portfolio(models.Model):
        strategy = models.ForeignKey("algo.Strategy", on_delete=models.CASCADE)
        other = ForeignKey(to="public.Strategy", on_delete=CASCADE)
    '''
    assert findings(source) == []


def test_django_sinks_and_the_raw_trap():
    source = '''
    def f(qs, response, cursor):
        Strategy.objects.raw("SELECT * FROM public.strategy")
        Strategy.objects.using("replica").raw(QUERY)
        qs.annotate(n=RawSQL("SELECT count(*) FROM public.portfolio WHERE x = %s", (1,)))
        response.raw("select the best option from the list")
        image.raw(data)

    QUERY = "SELECT * FROM users.accounts"
    OPS = [migrations.RunSQL("DROP TABLE public.portfolio", reverse_sql=migrations.RunSQL.noop)]
    '''
    assert findings(source) == [
        (*at(source, "public.strategy"), "BND100", "public.strategy"),
        (*at(source, "public.portfolio"), "BND100", "public.portfolio"),
        (*at(source, "users.accounts"), "BND100", "users.accounts"),
        (*at(source, "public.portfolio", 1), "BND103", "public.portfolio"),
    ]


# -- Alembic --------------------------------------------------------------------

ALEMBIC = "from alembic import op\nimport sqlalchemy as sa\n"


@pytest.mark.parametrize(
    "call, needle, code, table",
    [
        ('op.create_foreign_key("fk", "orders", "strategy", ["s"], ["id"], source_schema="orders",'
         ' referent_schema="public")', 'strategy"', "BND102", "public.strategy"),
        ('op.create_foreign_key("fk", "orders", "strategy", ["s"], ["id"])', 'strategy"', "BND102",
         "public.strategy"),
        ('op.create_table("audit_log", sa.Column("id", sa.Integer), schema="public")', 'audit_log"',
         "BND104", "public.audit_log"),
        ('op.add_column("strategy", sa.Column("n", sa.Integer), schema="public")', 'strategy"', "BND103",
         "public.strategy"),
        ('op.alter_column("portfolio", "name", nullable=True)', 'portfolio"', "BND103", "public.portfolio"),
        ('op.drop_column("accounts", "x", schema="users")', 'accounts"', "BND103", "users.accounts"),
        ('op.create_index("ix", "strategy", ["name"], schema="public")', 'strategy"', "BND103",
         "public.strategy"),
        ('op.drop_index("ix", table_name="strategy", schema="public")', 'strategy"', "BND103",
         "public.strategy"),
        ('op.drop_table("strategy", schema="public")', 'strategy"', "BND103", "public.strategy"),
        ('op.rename_table("strategy", "strategy_old", schema="public")', 'strategy"', "BND103",
         "public.strategy"),
        ('op.create_unique_constraint("uq", "portfolio", ["name"], schema="public")', 'portfolio"',
         "BND103", "public.portfolio"),
        ('op.execute("DELETE FROM public.portfolio")', "public.portfolio", "BND101", "public.portfolio"),
    ],
)
def test_each_alembic_operation(call, needle, code, table):
    source = ALEMBIC + f"\n\ndef upgrade():\n    {call}\n"
    result = findings(source)
    assert (*at(source, needle), code, table) in result, result


def test_alembic_on_own_tables_and_dropping_constraints_is_silent():
    source = ALEMBIC + '''
def upgrade():
    op.create_table("orders_archive", sa.Column("id", sa.Integer), schema="orders")
    op.drop_constraint("fk_orders_strategy", "orders", schema="orders", type_="foreignkey")
    op.drop_constraint("fk_x", "strategy", schema="public")
    op.drop_index("ix_orders_name")
    op.create_index("ix_o", "orders", ["name"])
'''
    assert findings(source) == []


def test_create_foreign_key_on_another_services_source_table_is_also_a_schema_change():
    source = ALEMBIC + '''
def upgrade():
    op.create_foreign_key("fk", "strategy", "accounts", ["a"], ["id"], source_schema="public",
                          referent_schema="users")
'''
    assert findings(source) == [
        (*at(source, 'strategy"'), "BND103", "public.strategy"),
        (*at(source, 'accounts"'), "BND102", "users.accounts"),
    ]


def test_bulk_insert_batch_ops_and_an_op_that_is_not_alembic():
    source = ALEMBIC + '''
def upgrade():
    strategy = sa.table("strategy", sa.column("id"), schema="public")  # noqa: BND106
    op.bulk_insert(strategy, [{"id": 1}])
    with op.batch_alter_table("portfolio", schema="public") as batch_op:
        batch_op.create_foreign_key("fk", "accounts", ["a"], ["id"], referent_schema="users")
'''
    assert findings(source) == [
        (*at(source, "strategy, ["), "BND101", "public.strategy"),
        (*at(source, 'portfolio"'), "BND103", "public.portfolio"),
        (*at(source, 'accounts"'), "BND102", "users.accounts"),
    ]
    unrelated = 'def f(op):\n    op.drop_table("strategy", schema="public")\n'
    assert findings(unrelated) == []


# -- composed SQL -----------------------------------------------------------------


def test_psycopg_identifiers_are_rebuilt_at_their_strings():
    source = '''
    from psycopg import sql

    def f(cur, table):
        cur.execute(sql.SQL("SELECT * FROM {} WHERE id = %s").format(sql.Identifier("public", "strategy")), (1,))
        q = sql.SQL("UPDATE {t} SET n = {v} WHERE id = {id}").format(
            t=sql.Identifier("public", "portfolio"), v=sql.Literal(1), id=sql.Placeholder("id"))
        cur.execute(q)
        cur.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
        cur.execute(sql.Composed([sql.SQL("TRUNCATE "), sql.Identifier("users", "accounts")]))
        cur.execute(sql.SQL("SELECT 1 FROM ") + sql.Identifier("orders", "orders"))
    '''
    assert findings(source) == [
        (*at(source, 'public", "strategy'), "BND100", "public.strategy"),
        (*at(source, 'public", "portfolio'), "BND101", "public.portfolio"),
        (*at(source, "table)))"), "BND105", "{}"),
        (*at(source, 'users", "accounts'), "BND101", "users.accounts"),
    ]


def test_a_psycopg_composition_never_passed_to_a_sink_is_still_sql():
    source = '''
    from psycopg import sql

    def build(columns):
        cols = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
        cond = sql.SQL("{} = {}").format(sql.Identifier("id"), sql.Placeholder())
        return sql.SQL("SELECT {} FROM {} WHERE {}").format(cols, sql.Identifier("public", "strategy"), cond)
    '''
    assert findings(source) == [(*at(source, 'public", "strategy'), "BND100", "public.strategy")]


def test_format_and_fstring_fields_naming_constants_are_filled_in_at_the_field():
    source = '''
    SCHEMA = "public"
    TABLE = "strategy"

    def f(cur, n):
        cur.execute(f"SELECT * FROM {SCHEMA}.{TABLE} WHERE id = {n}")
        cur.execute("DELETE FROM {}.portfolio WHERE id = {}".format(SCHEMA, n))
        cur.execute("SELECT * FROM {schema}.{t}".format(schema="users", t="accounts"))
        cur.execute(f"SELECT * FROM {SCHEMA!r}.strategy")
    '''
    assert findings(source) == [
        (*at(source, "{SCHEMA}.{TABLE}"), "BND100", "public.strategy"),
        (*at(source, "{}.portfolio"), "BND101", "public.portfolio"),
        (*at(source, 'users", t='), "BND100", "users.accounts"),
        (*at(source, "{SCHEMA!r}"), "BND105", "{}.strategy"),  # !r adds quotes: not the constant
    ]


def test_a_local_helper_is_composed_for_each_call():
    source = '''
    def count_sql(table, where="TRUE"):
        """Count rows."""
        return f"SELECT count(*) FROM {table} WHERE {where}"

    def f(cur, name):
        cur.execute(count_sql("public.strategy"))
        cur.execute(count_sql(table="orders.orders"))
        cur.execute(count_sql(name))
    '''
    assert findings(source) == [
        (*at(source, "{table}"), "BND105", "{}"),
        (*at(source, "public.strategy"), "BND100", "public.strategy"),
    ]


def test_a_parameter_shadows_a_module_constant_of_the_same_name():
    source = '''
    table = "orders.orders"

    def f(cur, table):
        cur.execute(f"SELECT * FROM {table}")
    '''
    assert findings(source) == [(*at(source, "{table}"), "BND105", "{}")]


# -- the module itself --------------------------------------------------------------


def test_references_carry_a_unique_statement_a_line_and_a_stable_fingerprint():
    source = textwrap.dedent('''
    class Order(Base):
        __tablename__ = "orders"
        a = Column(ForeignKey("public.strategy.a"))
        b = Column(ForeignKey("public.strategy.b"))
    ''')
    lines = source.splitlines(keepends=True)
    refs = orm_references(ast.parse(source), lines)
    assert [(r.operation, r.mapping) for r in refs] == [
        (Operation.READ, True), (Operation.FK, False), (Operation.FK, False)
    ]
    assert len({r.statement for r in refs}) == 3 and all(r.statement[0] == ORM_STATEMENT for r in refs)
    assert [r.statement_line for r in refs] == [2, 4, 5]
    again = orm_references(ast.parse("\n\n" + source), ("\n\n" + source).splitlines(keepends=True))
    assert [r.fingerprint for r in refs] == [r.fingerprint for r in again]
    assert len({r.fingerprint for r in refs}) == 3


def test_columns_are_characters_with_non_ascii_source():
    source = 'LABEL = "Stratégie"; fk = ForeignKey("public.strategy.id")\n'
    assert findings(source) == [(1, source.index("public") + 1, "BND102", "public.strategy")]


def test_split_qualified():
    assert split_qualified('"Public"."My.Table"') == ["Public", "My.Table"]
    assert split_qualified("strategy") == ["strategy"]


def test_sites_orm_does_not_import_sqlglot():
    code = "import sys, boundary_lint.sites.orm, boundary_lint.sites.alembic; print('sqlglot' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_helper_with_local_assignments_before_its_return_is_composed():
    source = '''
    def delete_sql(table, key="id"):
        where = f"{key} = %s"
        query = f"DELETE FROM {table} WHERE {where}"
        return query

    def branchy(table):
        if table:
            return f"SELECT * FROM {table}"
        return "SELECT 1"

    def f(cur):
        cur.execute(delete_sql("public.portfolio"))
        cur.execute(branchy("public.strategy"))
    '''
    assert findings(source) == [
        (*at(source, "{table}", 1), "BND105", "{}"),  # branchy's body is not followed: its literal stays dynamic
        (*at(source, "public.portfolio"), "BND101", "public.portfolio"),
    ]


# -- calls that name a table ----------------------------------------------------------


def test_pandas_asyncpg_psycopg2_and_airflow_calls_that_name_a_table():
    source = '''
    async def f(df, engine, conn, cur, hook, handle, name):
        df.to_sql("strategy", engine, schema="public", if_exists="append")
        pd.read_sql_table("portfolio", engine, schema="public")
        await conn.copy_records_to_table("accounts", records=[], schema_name="users")
        await conn.copy_from_table("strategy", output="x.csv", schema_name="public")
        cur.copy_from(handle, "public.portfolio", sep=",")
        cur.copy_to(handle, "orders.orders")
        hook.insert_rows("public.strategy", [])
        df.to_sql(name, engine)          # a run-time name: not enough to call it a table
        query.to_sql()                   # another library's to_sql
    '''
    assert findings(source) == [
        (*at(source, 'strategy", engine'), "BND101", "public.strategy"),
        (*at(source, 'portfolio", engine'), "BND100", "public.portfolio"),
        (*at(source, 'accounts", records'), "BND101", "users.accounts"),
        (*at(source, 'strategy", output'), "BND100", "public.strategy"),
        (*at(source, 'public.portfolio", sep'), "BND101", "public.portfolio"),
        (*at(source, 'public.strategy", []'), "BND101", "public.strategy"),
    ]


def test_django_extra_tables_and_sqlmodel_foreign_keys():
    source = '''
    qs = Order.objects.extra(tables=["public.strategy", "orders.orders"], where=["x = 1"])

    class Hero(SQLModel, table=True):
        __tablename__ = "heroes"
        __table_args__ = {"schema": "orders"}
        team_id: int = Field(default=None, foreign_key="users.accounts.id")
        name: str = Field(default="")
    '''
    assert findings(source) == [
        (*at(source, "public.strategy"), "BND100", "public.strategy"),
        (*at(source, "users.accounts"), "BND102", "users.accounts"),
    ]


def test_peewee_meta_and_abstract_django_models():
    source = '''
    class Strategy(peewee.Model):
        class Meta:
            table_name = "strategy"
            schema = "public"

    class Base(models.Model):
        class Meta:
            abstract = True
            db_table = "public.portfolio"
    '''
    assert findings(source) == [(*at(source, 'strategy"'), "BND106", "public.strategy")]


def test_the_cheap_gates_know_every_construct():
    from boundary_lint.sites import alembic as sites_alembic, orm as sites_orm

    assert sites_orm.ALEMBIC_CALLS == set(sites_alembic.DDL_OPS) | {"create_foreign_key", "bulk_insert"}
    from boundary_lint.prefilter.lines import interesting_lines
    from boundary_lint.prefilter.triggers import SINK_METHODS
    from boundary_lint.prefilter.triggers import CALL_NAMES, ORM_CALL_NAMES

    assert sites_orm.ALEMBIC_CALLS | set(sites_orm.TABLE_APIS) <= ORM_CALL_NAMES <= set(CALL_NAMES)
    assert SINK_METHODS <= set(CALL_NAMES)  # every sink is looked for in the bytes
    for construct in ["x = ForeignKey('a.b.c')", "    __tablename__ = 'a'", "    db_table = 'a'",
                      "    table_name = 'a'", "x = Field(foreign_key='a.b')", "x = Table('a', m)",
                      "x = table('a')", "qs.extra(tables=['a'])", "op.create_table('a')", "df.to_sql('a', con)",
                      "read_sql_table('a', con)", "hook.insert_rows('a', rows)",
                      "conn.copy_records_to_table('a', records=r)", "cur.copy_from(f, 'a')",
                      "op.batch_alter_table('a')", "op.bulk_insert(t, rows)"]:
        source = f"class Meta:\n    pass\n{construct}\n"
        assert interesting_lines(source) == [3], construct
    assert sites_orm.orm_references(ast.parse("x = 1\n"), ["x = 1\n"], hot=[]) == []


def test_django_db_table_with_inner_quotes_is_schema_and_table():
    """Django wraps db_table in quotes, so 'core"."accounts' is the table core.accounts."""
    source = '''
    class Strategy(models.Model):
        class Meta:
            db_table = 'public"."strategy'
    '''
    assert findings(source) == [(*at(source, 'public"'), "BND106", "public.strategy")]
