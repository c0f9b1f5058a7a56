"""The only way listenpost reaches the network.

Owns the hardened HTTP client (``fetch``: byte caps after bounded decompression, one deadline
per request, bounded redirects), the address guard that checks every hop after DNS
(``guard``), URLs made fit to show (``urls``) and where tokens come from and how they are kept
out of messages (``credentials``). Source adapters and, later, reply sending go through here and
never open connections themselves.
"""
