from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from articles.imagestore import ImageRejected, upload_as_image
from articles.services import MAX_URLS_PER_BATCH

# Why an upload was refused, in the editor's language (the image module's sentences are English).
IMAGE_REJECTED = {
    "unsupported": _("This is not a JPEG, PNG, GIF or WebP image."),
    "too_large": _("The image is too large: it has too many pixels or bytes."),
    "corrupt": _("The image could not be read."),
}


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
            sentence = IMAGE_REJECTED.get(exc.code)
            raise forms.ValidationError(str(sentence) if sentence else exc.message) from None
        image.processed = processed  # type: ignore[attr-defined]  # read in the admin's save
        return image


class AddUrlsForm(forms.Form):
    urls = forms.CharField(
        label=_("URLs"),
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100, "autofocus": True}),
        help_text=format_lazy(
            _(
                "One or many article URLs (WeChat, arXiv, GitHub or any web page), one per line;"
                " up to {count} at once. Known URLs are matched to their article."
            ),
            count=MAX_URLS_PER_BATCH,
        ),
        max_length=500_000,
    )
