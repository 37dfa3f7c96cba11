from django import forms
from django.core.files.uploadedfile import UploadedFile

from articles.imagestore import ImageRejected, upload_as_image
from articles.services import MAX_URLS_PER_BATCH


class ReencodedImageField(forms.ImageField):
    """Accepts an upload only as an image Pillow re-encodes, and keeps the re-encoded copy.

    The returned file carries `.processed` (dimensions, thumbnail) for whoever saves it.
    """

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if not isinstance(value, UploadedFile):
            return value
        try:
            image, processed = upload_as_image(value)
        except ImageRejected as exc:
            raise forms.ValidationError(exc.message) from None
        image.processed = processed  # type: ignore[attr-defined]  # read in the admin's save
        return image


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
