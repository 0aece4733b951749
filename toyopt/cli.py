"""The `toyopt` command line: dispatches to the verb modules of `toyopt.commands`.
Only the module of the command being run is imported (some import torch, which
costs seconds): ``toyopt --help`` lists the commands from `COMMANDS` alone.
"""

import argparse
import importlib
import sys

from toyopt_check.inside.errors import ToyoptError
from toyopt_ref.errors import InvalidInputError

from .commands import COMMANDS


def _selected(argv):
    """The subcommand named in `argv` (its first non-option word), if known."""
    word = next((word for word in argv if not word.startswith("-")), None)
    return word if word in COMMANDS else None


def build_parser(selected=None):
    """The parser; only `selected`'s module is imported and given its options."""
    parser = argparse.ArgumentParser(prog="toyopt", description="Exercises, reference solution and autograder "
                                     "for the 'Optimisation and Learning' PyTorch tutorial.")
    from . import __version__

    parser.add_argument("--version", action="version", version=f"toyopt {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, (module_name, help_text) in COMMANDS.items():
        if selected != name:
            sub.add_parser(name, help=help_text)
            continue
        module = importlib.import_module(f"toyopt.commands.{module_name}")
        cmd = sub.add_parser(name, help=help_text, description=module.__doc__.split("\n\n")[0])
        module.add_arguments(cmd)
        cmd.set_defaults(_module=module)
    return parser


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_selected(argv))
    args = parser.parse_args(argv)
    try:
        return args._module.run(args) or 0
    except (ToyoptError, InvalidInputError) as exc:
        print(f"toyopt {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # an unwritable --out, a full disk: say so, no traceback
        where = f": {exc.filename}" if exc.filename else ""
        print(f"toyopt {args.command}: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"toyopt {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
