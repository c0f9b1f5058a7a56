"""listenpost's faces: the command line entry point and the Textual app.

``tui.cli`` must stay importable without Textual so that headless runs never load it; only
``tui.app`` and the screens and widgets import Textual.
"""
