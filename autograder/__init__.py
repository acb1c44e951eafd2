"""Instructor toolkit: release, grade and report on the course's nbgrader assignments."""
