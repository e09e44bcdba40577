"""Views of the Telefooncentrale, one module per subject."""
