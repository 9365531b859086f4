"""The behaviour corpus is service code run by tests/codemod/test_behaviour_corpus.py,
not tests: keep pytest (and its --doctest-modules) from importing it on its own."""

collect_ignore_glob = ["orders_app/*", "orders_app/*/*", "*.py"]
