"""File helpers that work on any artifact-store URI (`stackwise.io.fileio`)."""
