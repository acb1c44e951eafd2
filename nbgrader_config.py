"""nbgrader configuration for this course, so plain `nbgrader ...` commands and the
formgrader see the same layout as `python -m autograder`: sources in solutions/,
student releases in exercises/."""

from autograder.config import course_config

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)
c.merge(course_config("."))
