"""Demo knowledge and search for ``make run``: articles, solved tickets, one ticket to help with.

Published knowledge articles (es and en, some public, in two categories), three tickets solved
with a resolution note, and one new ticket ("the link to change my password has expired")
whose suggestions panel shows the matching article and the similar solved ticket. Everything
goes through the owning apps' services (mail through ``ingest_raw`` and the pipeline, articles
through ``knowledge``), so the search index and the embeddings are kept as for real data.
Created once: the ticket to help with says whether it was done.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from ventanilla.intake.ingest import ingest_raw
from ventanilla.knowledge.models import KnowledgeCategory
from ventanilla.knowledge.services import knowledge_article_create, knowledge_article_publish
from ventanilla.mail.models import Mailbox
from ventanilla.ops.demo_data import DEMO_SOURCE, DemoTicket, demo_mail
from ventanilla.pipeline.services import inbound_process
from ventanilla.tickets.lifecycle import ticket_resolve
from ventanilla.tickets.selectors import ticket_list_from_source


@dataclass(frozen=True)
class DemoArticle:
    """One knowledge article of the demo."""

    title: str
    language: str
    category: str  # a key of CATEGORIES
    public: bool
    tags: tuple[str, ...]
    body: str


CATEGORIES = {"cuenta-y-acceso": "Cuenta y acceso", "facturacion": "Facturación"}

ARTICLES = (
    DemoArticle(
        "Cómo restablecer tu contraseña",
        "es",
        "cuenta-y-acceso",
        True,
        ("contraseña",),
        "Si no recuerdas la contraseña o el enlace para cambiarla **ha caducado**:\n\n"
        "1. Abre la página de inicio de sesión y pulsa *¿Has olvidado la contraseña?*.\n"
        "2. Escribe tu correo: te llega un enlace nuevo en unos minutos.\n"
        "3. El enlace caduca a los **30 minutos**; si caduca, pide otro.\n\n"
        "Si no te llega, revisa la carpeta de correo no deseado.",
    ),
    DemoArticle(
        "How to reset your password",
        "en",
        "cuenta-y-acceso",
        True,
        ("password",),
        "If you forgot your password or the reset link **has expired**:\n\n"
        "1. Open the sign-in page and click *Forgot your password?*.\n"
        "2. Type your email address: a new link arrives within minutes.\n"
        "3. The link expires after **30 minutes**; ask for another one if it does.",
    ),
    DemoArticle(
        "Descargar tus facturas desde el portal",
        "es",
        "facturacion",
        True,
        ("factura",),
        "Todas tus facturas están en el portal de clientes, en **Mis facturas**. "
        "Puedes descargarlas en PDF o pedir que te las reenviemos por correo.",
    ),
    DemoArticle(
        "Reenviar una factura a un cliente",
        "es",
        "facturacion",
        False,
        ("factura",),
        "Procedimiento interno: busca la factura en el ERP (*Ventas → Facturas*), "
        "comprueba la dirección de envío del cliente y pulsa **Reenviar**. "
        "Si la factura es de hace más de un año, pídela a contabilidad.",
    ),
    DemoArticle(
        "Monthly report export does nothing",
        "en",
        "facturacion",
        False,
        ("export",),
        "When the export button of the monthly report does nothing for one user only, "
        "the browser cache is stale: ask them to clear it (Ctrl+Shift+Del) and sign in again.",
    ),
)

# (sender name, address, subject, body, hours ago, X-Priority, resolution note)
SOLVED = (
    (
        "Luis Romero",
        "luis.romero@talleresnorte.es",
        "El enlace para cambiar la contraseña ha caducado",
        "Hola,\n\nPedí cambiar la contraseña y al abrir el enlace dice que ha caducado.\n\nLuis",
        240,
        "",
        "El enlace de restablecimiento caduca a los 30 minutos. Le enviamos uno nuevo y pudo "
        "cambiar la contraseña (artículo «Cómo restablecer tu contraseña»).",
    ),
    (
        "Emily Brown",
        "emily.brown@contoso.example",
        "Monthly report export button not working",
        "Hi,\n\nThe export button of the monthly report does nothing for me.\n\nEmily",
        200,
        "",
        "Stale browser cache: after clearing it and signing in again the export works.",
    ),
    (
        "Jorge Castaño",
        "jorge@panaderiaelsol.es",
        "No me llega la factura de septiembre",
        "Buenos días:\n\nNo he recibido la factura de septiembre.\n\nJorge",
        150,
        "",
        "La factura estaba en la carpeta de correo no deseado; se la reenviamos y le "
        "indicamos que también la tiene en el portal, en «Mis facturas».",
    ),
)

NEW_TICKET = (
    "Rosa Vidal",
    "rosa.vidal@opticaluz.es",
    "Me ha caducado el enlace de la contraseña",
    "Hola:\n\nQuería cambiar mi contraseña, pero cuando abro el enlace que me llegó dice que ha "
    "caducado. ¿Qué tengo que hacer?\n\nGracias,\nRosa",
    3,
    "",
)
# Message-ID indexes of these mails, apart from the example tickets' (0, 1, 2...).
FIRST_INDEX = 100


def _deliver(mailbox: Mailbox, example: tuple[str, str, str, str, int, str], index: int) -> None:
    result = ingest_raw(
        demo_mail(mailbox, example, index),
        source=DEMO_SOURCE,
        envelope_from=example[1],
        envelope_to=[mailbox.address],
        send_ack=False,
        process=False,
    )
    if result.created:
        inbound_process(inbound_id=result.inbound.pk)


def _articles(author: User) -> None:
    categories = {
        slug: KnowledgeCategory.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": n}
        )[0]
        for n, (slug, name) in enumerate(CATEGORIES.items())
    }
    for demo in ARTICLES:
        article = knowledge_article_create(
            author=author,
            title=demo.title,
            body=demo.body,
            language=demo.language,
            category=categories[demo.category],
            tags=demo.tags,
            visibility="public" if demo.public else "internal",
        )
        knowledge_article_publish(article=article, author=author)


def demo_knowledge_ensure(*, mailbox: Mailbox, author: User) -> bool:
    """Create the demo articles, solved tickets and the ticket to help with; False if done."""
    done = ticket_list_from_source(mailbox_id=mailbox.pk, source=DEMO_SOURCE)
    if any(ticket.subject == NEW_TICKET[2] for ticket in done):
        return False
    _articles(author)
    for offset, solved in enumerate(SOLVED):
        _deliver(mailbox, solved[:6], FIRST_INDEX + offset)
    by_subject = {
        t.subject: t for t in ticket_list_from_source(mailbox_id=mailbox.pk, source=DEMO_SOURCE)
    }
    for solved in SOLVED:
        ticket = by_subject.get(solved[2])
        if ticket is not None and ticket.status != "resolved":
            ticket_resolve(
                ticket=ticket, actor=ticket.assignee, note=solved[6], notify_customer=False
            )
    _deliver(mailbox, NEW_TICKET, FIRST_INDEX + len(SOLVED))
    return True


def describe_search(tickets: list[DemoTicket] | tuple[DemoTicket, ...]) -> list[str]:
    """Lines for the banner: where the search box is, and the ticket to try suggestions on."""
    lines = [
        "Search for:      tickets and knowledge articles, e.g. 'contrasena', 'factura' or a",
        "                 ticket number (accents and small typos are forgiven).",
    ]
    helped = [t.number for t in tickets if t.subject == NEW_TICKET[2]]
    if helped:
        lines += [
            f"Suggestions:     open {helped[0]} ('{NEW_TICKET[2]}'): its panel suggests",
            "                 an article and a solved ticket to insert into the reply.",
        ]
    return lines
