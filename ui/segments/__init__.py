"""Segments in the window: the builder dialog and the saved segments in the sidebar.

The conditions, counting and storage are the core's (:mod:`app.segments`); this package
only edits condition trees, shows live counts computed off the GUI thread, and lists saved
segments as views of the book. Its texts are in the ``otokui_segments`` catalog.
"""
