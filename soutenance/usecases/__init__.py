"""Use cases: what a screen or a command asks for, written once outside the UI."""
