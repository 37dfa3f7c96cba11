from django import forms

from articles.services import MAX_URLS_PER_BATCH


class AddUrlsForm(forms.Form):
    urls = forms.CharField(
        label="URLs",
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100, "autofocus": True}),
        help_text=(
            f"One or many article URLs (WeChat, arXiv, GitHub or any web page), one per line; "
            f"up to {MAX_URLS_PER_BATCH} at once. Known URLs are matched to their article."
        ),
        max_length=500_000,
    )
