"""Courseware tools: the student edition of the book (``python -m courseware.student_edition``)."""
