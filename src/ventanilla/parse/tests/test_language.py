"""detect_language: es/en on short helpdesk texts, "" when there is nothing to go on."""

from __future__ import annotations

import threading
import time

import pytest

from ventanilla.parse.language import detect_language, detector


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("No puedo acceder a la intranet desde esta mañana.", "es"),
        ("Gracias, ya funciona.", "es"),
        ("¿Me podéis enviar la factura de octubre?", "es"),
        ("Hola, no me llega la factura.", "es"),
        ("I cannot log in to the intranet since this morning.", "en"),
        ("Thanks, it works now.", "en"),
        ("Could you send me the October invoice?", "en"),
        ("Thanks", "en"),
    ],
)
def test_detects_spanish_and_english(text, expected):
    assert detect_language(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "ok", "?!", "👍", "12345 678", "Error 404"])
def test_unsure_or_too_short_gives_empty(text):
    assert detect_language(text) == ""


def test_a_lone_greeting_is_not_enough():
    # The trigram models are not sure of one word: the caller falls back to the subject and
    # the whole text (``language`` step), then to the customer's or mailbox's language.
    assert detect_language("Hola") == ""


def test_long_text_costs_only_its_prefix():
    text = "Hola, necesito ayuda con la impresora de la oficina. " * 20_000  # ~1 MB
    detect_language(text)  # warm up
    started = time.perf_counter()
    assert detect_language(text) == "es"
    assert time.perf_counter() - started < 0.1


def test_detector_is_built_once_across_threads():
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(detector())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(d) for d in seen}) == 1
    assert seen[0] is detector()
