"""Use cases: the only way the UI and the command line change records."""
