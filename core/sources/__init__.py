"""Source adapters: one module per kind, each turning HTTP responses into mentions.

Adapters never open connections: they ask the poll context to fetch (through the one hardened
client) and to process a body (parse + enrich in the worker process, under a deadline).
"""
