"""The guided inspection: checklist steps, capture, comparison, results."""
