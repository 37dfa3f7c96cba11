"""The API's own output shapes; what digests, issues and articles look like is declared in
digest/representation.py, below the API, because exports and webhooks share it."""

from __future__ import annotations

from rest_framework import serializers


class ErrorDetailOutput(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable: invalid, not_found, conflict, …")
    message = serializers.CharField(help_text="What went wrong, for people.")
    # A declared field named `fields`: SerializerMetaclass takes it off the class, so it does
    # not shadow Serializer.fields.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per input field (dotted paths for nested input).",
    )


class ErrorOutput(serializers.Serializer):
    error = ErrorDetailOutput()
