"""nbgrader course tools."""


def add_arguments(parser):
    from toyopt.nbgrader.course import DEFAULT_ASSIGNMENT, DEFAULT_COURSE_ID

    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    sub.required = True
    init = sub.add_parser("init", help="write a ready nbgrader course folder",
                          description="Write nbgrader_config.py and source/<assignment>/ into DIR.")
    init.add_argument("dir", metavar="DIR", help="the course folder (created; must be empty unless --force)")
    init.add_argument("--assignment", default=DEFAULT_ASSIGNMENT, help="assignment name (default: %(default)s)")
    init.add_argument("--course-id", default=DEFAULT_COURSE_ID, help="nbgrader course id (default: %(default)s)")
    init.add_argument("--hide", action="append", default=[], metavar="CHECK_ID",
                      help="put this check in a hidden test cell (repeatable; e.g. spiral_2d.vectorised); "
                      "checks the autograder marks hidden are always hidden")
    init.add_argument("--force", action="store_true",
                      help="overwrite the config and source notebook of an existing folder")


def run(args):
    from toyopt.nbgrader.course import init_course

    course = init_course(args.dir, assignment=args.assignment, course_id=args.course_id,
                         force=args.force, hidden=args.hide)
    print(f"wrote {course.config}\nwrote {course.notebook}\n"
          f"next: cd {course.root} && nbgrader generate_assignment {course.assignment}")
    return 0
