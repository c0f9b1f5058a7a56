"""The demo: project-written feeds about a fictional coffee brand, served on loopback.

``content`` writes the feeds and the config that listens to them; ``server`` serves them from
inside the process; ``run`` wires both around one run of the app or an export.
"""
