"""Management commands of the data-rights app."""
