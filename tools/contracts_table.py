"""Write docs/contracts.md: each exercise's docstring clauses and the checks testing them.

    python tools/contracts_table.py          # writes docs/contracts.md
    python tools/contracts_table.py --check  # exit 1 when docs/contracts.md is stale
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toyopt.contracts import render  # noqa: E402  (after sys.path is set up for this script)

DOC = ROOT / "docs" / "contracts.md"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    text = render()
    if "--check" in argv:
        fresh = DOC.exists() and DOC.read_text(encoding="utf-8") == text
        print("docs/contracts.md is up to date" if fresh else "docs/contracts.md is stale")
        return 0 if fresh else 1
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
