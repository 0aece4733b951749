# Attack: a conftest.py that turns every test report into a pass (works on
# graders that run pytest over the submission folder).
import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    report.outcome = "passed"
    report.longrepr = None


def pytest_collection_modifyitems(items):
    for item in items:
        item.obj = lambda *a, **k: None
