"""OPML, the feed readers' exchange format: reading and writing it (``format``) and adding an
OPML file's feeds to the config file (``importer``)."""
