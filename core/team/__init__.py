"""A team on one server: several people and processes sharing one database safely.

Owns the polling lease (``lease``: only one process polls a database at a time, and another
takes over when its holder dies), the long-running ``--daemon`` that holds it (``daemon``),
consistent copies while others write (``backup``), the start-up warning about SQLite
versions that can corrupt a database several processes write to (``sqlite``), and what each
inbox knows of its teammates: who is replying to a mention (``claims``) and who has it open
(``presence``), read together by ``awareness``.
"""
