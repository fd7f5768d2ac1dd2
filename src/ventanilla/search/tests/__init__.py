"""Tests of the search index, its two engines and its command."""
