"""Integration tests of the queue against a throwaway database."""
import pytest

from jobs.queue import Queue


@pytest.fixture
def queue(pg_dsn):
    return Queue(pg_dsn)


def test_take_marks_doing(queue):
    queue.defer("search.reindex", {"id": "p1"})
    job = queue.take("default")
    assert job["status"] == "doing"
    assert queue.conn.execute("SELECT count(*) FROM jobs.job WHERE status = 'doing'").fetchone()[0] == 1


def test_owner_must_exist(queue):
    with pytest.raises(Exception):
        queue.conn.execute("INSERT INTO jobs.job (queue_name, task_name, owner_id) VALUES ('q', 't', 'nobody')")
    assert queue.conn.execute("SELECT 1 FROM public.user_account WHERE id = 'nobody'").fetchone() is None


def test_reindex_trigger_fires(queue):
    queue.conn.execute("UPDATE public.package SET title = 'x' WHERE id = 'p1'")
    rows = queue.conn.execute("SELECT args FROM jobs.job WHERE task_name = 'reindex'").fetchall()
    assert rows


def test_org_fk_is_declared(queue):
    ddl = queue.conn.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'job_org_fk'").fetchone()[0]
    assert ddl == "FOREIGN KEY (org_id) REFERENCES public.organization(id)"


def test_cleanup_leaves_harvest_alone(queue):
    before = queue.conn.execute("SELECT count(*) FROM harvest.log").fetchone()[0]
    queue.purge(30)
    assert queue.conn.execute("SELECT count(*) FROM harvest.log").fetchone()[0] == before


def test_explain_uses_the_fetch_index(queue):
    plan = queue.conn.execute(
        "EXPLAIN SELECT id FROM jobs.job WHERE queue_name = 'default' AND status = 'todo' ORDER BY priority DESC, id LIMIT 1"
    ).fetchall()
    assert "job_fetch_idx" in str(plan)


def test_messages_are_not_sql():
    assert Queue.__doc__ is None or "SELECT" not in Queue.__doc__, "update the docs: select from jobs.job"
    assert "delete from member" not in repr(Queue), "Delete from member rows by hand"


# expect: 22 BND100 public.user_account
# expect: 26 BND101 public.package
# expect: 37 BND100 harvest.log
# expect: 39 BND100 harvest.log
