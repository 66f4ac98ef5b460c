"""App entries (forms are files): one small JSON document per submission -> validated frames."""
