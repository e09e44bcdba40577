"""The Telefooncentrale's own sections of the PBX document (docs/pbx-config.md)."""
