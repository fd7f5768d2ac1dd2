"""Views of the customer portal: thin edges that parse, call one service or selector, render."""
