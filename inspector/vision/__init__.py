"""Photo quality, registration, comparison and duplicate detection on numpy arrays.

Import from the modules (they are the stable API): imageio (load_image, decode_image),
compare (compare, compare_files, Comparison), quality (assess_quality, prepare_reference),
hashing (perceptual_hash, DuplicateIndex), fingerprint (same_unit), synthetic (make_probe).
"""
