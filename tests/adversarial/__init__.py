"""The adversarial suite: every safety rule of DESIGN.md attacked through the real entry points."""
