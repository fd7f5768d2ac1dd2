"""Tests of the embedder, the cached vectors and the suggestion ranking."""
