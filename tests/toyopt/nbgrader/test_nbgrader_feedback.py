"""The feedback preprocessor: hidden tests leave no source or traceback on the
student's feedback page."""

import nbformat

from toyopt.nbgrader.feedback import HideHiddenTests, strip_hidden


def test_strip_hidden_removes_regions_with_their_delimiters():
    source = "a\n### BEGIN HIDDEN TESTS\nsecret()\n### END HIDDEN TESTS\nb"
    assert strip_hidden(source) == ("a\nb", True)
    assert strip_hidden("a\nb") == ("a\nb", False)


def test_feedback_preprocessor_hides_source_and_traceback_of_hidden_tests():
    cell = nbformat.v4.new_code_cell("from x import run\n### BEGIN HIDDEN TESTS\nrun('secret')\n### END HIDDEN TESTS")
    cell.outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="wrong answer",
                                           traceback=["----> 3 run('secret')", "AssertionError: wrong answer"])]
    visible = nbformat.v4.new_code_cell("run('open')")
    visible.outputs = [nbformat.v4.new_output("error", ename="E", evalue="v", traceback=["----> run('open')"])]
    nb = nbformat.v4.new_notebook(cells=[cell, visible])
    nb, _ = HideHiddenTests().preprocess(nb, {})
    assert "secret" not in nbformat.writes(nb)
    assert nb.cells[0].outputs[0].traceback == ["AssertionError: wrong answer"]
    assert nb.cells[1].outputs[0].traceback == ["----> run('open')"]  # visible cells untouched
