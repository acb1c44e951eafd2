"""Trusted checking code that the hidden tests of the assignments call.

One module per assignment (e.g. :mod:`autograder.checks.a4_optimizers`). Each public
``check_*`` function takes the student's function or class, compares it with an independent
oracle on seeded random inputs and raises ``AssertionError`` with a teaching message on the
first problem it finds.
"""
