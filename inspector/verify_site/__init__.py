"""The static verify page (index.html, verify.js) that `inspector site export` copies with the trust files."""
