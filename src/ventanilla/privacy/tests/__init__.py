"""Tests of data rights: export, erasure, retention."""
