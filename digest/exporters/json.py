"""JSON export: the API's issue detail, with absolute links on SITE_URL."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder

from digest.models import Issue
from digest.representation import issue_detail_data


def issue_json(issue: Issue) -> str:
    data = issue_detail_data(issue, request=None)
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2) + "\n"
