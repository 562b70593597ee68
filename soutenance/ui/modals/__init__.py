"""Modal screens shared by several screens."""
