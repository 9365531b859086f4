"""The behaviour corpus again, this time after ``fix --write-clients --write-owner-handlers``
and against what fix wrote, not a fake: the owners' client modules with the generated
methods send real HTTP (httpx, routed in-process to an ASGI app), the generated FastAPI
routers run the statements on the site's database. Every rewritten site must behave as
before (return values of the same kind, equal tables) and must have reached the owner.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from example_pg import load_by_path, pg_cluster

pytest.importorskip("fastapi")
HERE = Path(__file__).resolve().parent


harness = load_by_path("behaviour_corpus_harness", HERE / "behaviour" / "harness.py")
generated = load_by_path("behaviour_generated_owner", HERE / "behaviour" / "generated_owner.py")


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory):
    cluster = pg_cluster.shared_cluster()
    sites = harness.discover(harness.CORPUS)
    run = generated.fix_a_copy(harness, tmp_path_factory.mktemp("generated") / "corpus")
    assert run.code == 0, run.err
    databases = harness.Databases(cluster)
    try:
        before = harness.run_all(harness.CORPUS, sites, databases)
    finally:
        databases.close()
    owner = generated.GeneratedOwner(run.root.parent / "owner", cluster)
    databases = harness.Databases(cluster)
    try:
        with generated.routed_to(owner.app, harness.CLIENT_ENV):
            after = harness.run_all(run.root, sites, databases, fake=owner)
    finally:
        databases.close()
    result = harness.classify(sites, run, before, after)
    print(harness.summary(sites, result, run, full=False))
    return run, result


def test_every_rewritten_site_behaves_the_same_through_the_generated_client_and_owner(verdicts):
    run, result = verdicts
    different = {k: v.difference for k, v in result.items() if v.different}
    assert not different, "\n\n".join(f"{k}:\n{d}" for k, d in different.items())
    rewritten = [v for v in result.values() if v.rewritten]
    assert len(rewritten) >= 50, f"only {len(rewritten)} sites rewritten"  # 58 when this was written
    assert [v.key for v in rewritten if not v.methods] == []  # each went through HTTP to a generated route


def test_fix_wrote_a_method_and_a_route_for_every_method_the_rewritten_code_calls(verdicts):
    run, result = verdicts
    methods = {m for v in result.values() for m in v.methods}
    written = run.err.split("client methods written", 1)[1].split(":", 1)[1].splitlines()[0]
    assert methods <= {m.strip() for m in written.split(",")}
    routers = sorted(p.name for p in (run.root.parent / "owner").glob("*_router.py"))
    assert routers == ["algo_engine_router.py", "market_data_router.py", "risk_router.py",
                       "user_service_router.py"]
