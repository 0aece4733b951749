"""`DropEmptyMetadata`: a repair between nbgrader's own sanitizing steps.

nbgrader's ``DeduplicateIds`` answers a duplicated grade cell by setting the
extra copy's ``nbgrader`` metadata to ``{}``; with
``c.OverwriteCells.add_missing_cells = True`` (deleted test cells come back),
``OverwriteCells`` then fails on that empty dict (``KeyError: 'grade_id'``,
nbgrader 0.9.6) and the whole submission is not graded. Registered right
after ``DeduplicateIds`` in ``c.Autograde.sanitize_preprocessors``, this step
removes such empty dicts: the copy becomes a plain code cell, as nbgrader
intends.
"""

from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor


class DropEmptyMetadata(NbGraderPreprocessor):
    """Remove ``nbgrader`` metadata that holds no grade_id (left by DeduplicateIds)."""

    def preprocess_cell(self, cell, resources, index):
        meta = cell.get("metadata", {})
        if "nbgrader" in meta and not (isinstance(meta["nbgrader"], dict) and meta["nbgrader"].get("grade_id")):
            del meta["nbgrader"]
        return cell, resources
