"""Checks of a built site: the offline link check every strict build runs.

Reads the folder MkDocs wrote; may import model and speed, no stage and not MkDocs.
"""
