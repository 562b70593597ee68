"""soutenance: a mock-defense trainer for students and their mentors."""

__version__ = "0.2.0"
