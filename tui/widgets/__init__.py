"""The widgets of substance the screens are built from: the mention list and its columns, the
sidebar, the detail pane, the status line, the people table and the metrics charts."""
