"""Feedback without hidden tests.

nbgrader's autograde restores every test cell from the gradebook, hidden
tests included, and `generate_feedback` renders that notebook as is: the
hidden test source would reach the student in the cell's input and in the
traceback of a failing hidden test (IPython prints the failing line).
`HideHiddenTests`, registered in the course's ``nbgrader_config.py`` after
nbgrader's own feedback preprocessors, removes the hidden region from each
test cell and cuts the traceback of an error in such a cell down to its last
line (the exception and the student-facing message).
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode

BEGIN = "BEGIN HIDDEN TESTS"
END = "END HIDDEN TESTS"


def strip_hidden(source: str, begin: str = BEGIN, end: str = END) -> tuple[str, bool]:
    """`source` without its hidden regions (delimiter lines included) and
    whether it had one. An unclosed region hides everything after it."""
    kept, hidden, inside = [], False, False
    for line in source.split("\n"):
        if begin in line:
            inside = hidden = True
        elif end in line and inside:
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join(kept), hidden


class HideHiddenTests(Preprocessor):
    """Remove hidden tests from feedback: sources and tracebacks."""

    # nbconvert runs a registered preprocessor only when it is enabled.
    enabled = Bool(True, help="whether hidden tests are removed").tag(config=True)

    begin_test_delimeter = Unicode(BEGIN, help="start of a hidden test region").tag(config=True)
    end_test_delimeter = Unicode(END, help="end of a hidden test region").tag(config=True)
    placeholder = Unicode("# (hidden test)", help="line left where a hidden region was").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        source, hidden = strip_hidden(cell.source, self.begin_test_delimeter, self.end_test_delimeter)
        if not hidden:
            return cell, resources
        cell.source = source.rstrip("\n") + "\n" + self.placeholder
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        return cell, resources
