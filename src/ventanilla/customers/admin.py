"""Admin for customers."""

from django.contrib import admin

from ventanilla.customers.models import Customer, Organisation


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin[Customer]):
    """List and search customers."""

    list_display = ("email", "name", "language", "flagged_at", "flag_reason", "created_at")
    search_fields = ("email", "name")
    # Flagged senders (flooding) are found with the "flagged" filter.
    list_filter = ("language", ("flagged_at", admin.EmptyFieldListFilter))


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    """Client companies, recognised by mail domain, with their service tier."""

    list_display = ("name", "domain", "tier", "portal_shares_tickets", "created_at")
    search_fields = ("name", "domain")
    list_filter = ("tier", "portal_shares_tickets")
