"""Photo quality, registration, comparison and duplicate detection on numpy arrays."""
