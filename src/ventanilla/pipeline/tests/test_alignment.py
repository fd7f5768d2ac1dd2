"""DMARC alignment (RFC 7489 §3.1): organizational domains from the offline Public Suffix List.

What the authenticate step relies on to tie a signature's domain to the From domain; no
suffix trick (look-alike labels, public suffixes) makes two organizations one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ventanilla.parse import auth


@pytest.mark.parametrize(
    ("domain", "organizational"),
    [
        ("cliente.es", "cliente.es"),
        ("mail.cliente.es", "cliente.es"),
        ("a.b.cliente.co.uk", "cliente.co.uk"),
        ("tienda.com.es", "tienda.com.es"),
        ("Cliente.ES.", "cliente.es"),
    ],
)
def test_organizational_domain(domain, organizational):
    assert auth.organizational_domain(domain) == organizational


@pytest.mark.parametrize(
    ("domain", "organizational"),
    [
        ("example.co.uk", "example.co.uk"),
        ("mail.example.co.uk", "example.co.uk"),
        ("correo.tienda.com.es", "tienda.com.es"),
        # Suffixes a two-label guess gets wrong: the Public Suffix List knows them.
        ("mail.example.ltd.uk", "example.ltd.uk"),
        ("shop.example.plc.uk", "example.plc.uk"),
        ("ana.github.io", "ana.github.io"),  # private section: each user is an organization
        ("co.uk", "co.uk"),  # a public suffix has no organizational domain of its own
        ("", ""),
    ],
)
def test_organizational_domain_follows_the_public_suffix_list(domain, organizational):
    assert auth.organizational_domain(domain) == organizational


@pytest.mark.parametrize(
    ("domain", "from_domain", "expected"),
    [
        ("mail.example.co.uk", "example.co.uk", True),
        ("example.co.uk", "other.co.uk", False),
        ("co.uk", "example.co.uk", False),
        ("mail.cliente.es", "cliente.es", True),
        ("cliente.es", "otro.es", False),
        ("correo.tienda.com.es", "tienda.com.es", True),
        ("tienda.com.es", "otra.com.es", False),
        ("example.ltd.uk", "other.ltd.uk", False),
        ("ana.github.io", "eva.github.io", False),
    ],
)
def test_alignment_uses_the_public_suffix_list(domain, from_domain, expected):
    assert auth.aligned(domain, from_domain) is expected


def test_the_suffix_list_is_the_offline_copy_in_the_package(monkeypatch):
    import socket

    import publicsuffixlist

    def no_network(*args, **kwargs):
        raise AssertionError("the Public Suffix List must not be fetched at run time")

    # Loaded from the file shipped inside the package, with the network cut off.
    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    auth._public_suffixes.cache_clear()
    try:
        assert auth.organizational_domain("a.b.example.co.uk") == "example.co.uk"
    finally:
        auth._public_suffixes.cache_clear()
    assert publicsuffixlist.PSLFILE.startswith(str(Path(publicsuffixlist.__file__).parent))
    assert Path(publicsuffixlist.PSLFILE).stat().st_size > 100_000


def test_alignment_is_not_fooled_by_suffix_tricks():
    assert not auth.aligned("cliente.es.evil.com", "cliente.es")
    assert not auth.aligned("otrocliente.es", "cliente.es")
    assert not auth.aligned("", "cliente.es")
    assert auth.aligned("bounce@mail.cliente.es", "cliente.es")
