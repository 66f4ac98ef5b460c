"""The coach's club files (roster, programs, enrolments, injuries, OSTRC, exercise catalog): bytes in, frames out."""
