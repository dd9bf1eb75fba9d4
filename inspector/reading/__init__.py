"""Reading labels: text and codes from a photo, and the fields they give."""
