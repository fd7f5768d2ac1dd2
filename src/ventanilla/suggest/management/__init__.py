"""Management commands of the suggest app."""
