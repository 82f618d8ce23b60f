"""Repository context for a cursor: the sources, their fusion, and the time boxes.

Each source (``sources/``) answers one question about the cursor (what do the names near
it mean, what code elsewhere looks like this, what did the user just edit or look at,
what encloses the cursor beyond the local window) from the index's read API. ``gather``
runs them in parallel, each within a time box (late answers are dropped, the keystroke
never waits for them), and ``fusion`` merges their rankings into one list of snippets.
Packing them into tokens is the prompting stage's job.
"""
