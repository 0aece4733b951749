"""The contract table: every docstring clause has a check, every check's clause
is a clause of the docstring, and docs/contracts.md is what the generator writes."""


import sys

import pytest
from grade_support import ROOT

sys.path.insert(0, str(ROOT / "tools"))
from contracts_table import contract_bullets, contract_table, render


def _exercises():
    yield from ("spiral_2d", "plot_datasets", "circular_mse", "epoch_loop")


def test_bullets_are_parsed_from_the_contract_list_only():
    doc = """Title.

    Contract (what the autograder checks):

    - first clause,
      continued;
    - second clause.

    After the list.
    """
    assert contract_bullets(doc) == ["first clause, continued;", "second clause."]


@pytest.mark.parametrize("exercise", _exercises())
def test_every_clause_has_a_check(exercise):
    table = contract_table(exercise)
    assert table.bullets, f"{exercise}: no Contract list in the reference docstring"
    assert table.untested == []


@pytest.mark.parametrize("exercise", _exercises())
def test_every_check_names_a_clause_of_the_docstring(exercise):
    assert contract_table(exercise).unmatched == []


def test_contracts_doc_is_fresh():
    doc = ROOT / "docs" / "contracts.md"
    assert doc.exists() and doc.read_text(encoding="utf-8") == render(), \
        "docs/contracts.md is stale: run python tools/contracts_table.py"
