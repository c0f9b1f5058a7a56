"""The screens, one module per screen: the inbox, sources, metrics and influencers (top-level
modes of the app shell), and the reply editor, profile, help and prompts pushed on top."""
