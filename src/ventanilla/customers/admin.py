"""Admin for customers."""

from django.contrib import admin

from ventanilla.customers.models import Customer


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin[Customer]):
    """List and search customers."""

    list_display = ("email", "name", "language", "created_at")
    search_fields = ("email", "name")
    list_filter = ("language",)
