"""Who serves whom: segmentation rules, balanced distribution proposals and their measures.

Pure Python + numpy + OR-Tools; never imports Django (see docs/adr/0004-distribution.md)."""
