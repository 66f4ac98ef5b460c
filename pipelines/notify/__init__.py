"""Messages to members: the weekly check-in reminder e-mails (after the pipeline, off by default)."""
