"""Lead-image processing: validate, normalise and re-encode untrusted image bytes.

Images come from arbitrary sites, so they are treated as hostile input:

* only JPEG, PNG, GIF and WebP are opened (Pillow is asked for those formats alone);
* the pixel count is checked from the header before anything is decoded, so a
  decompression bomb (a tiny file declaring a huge canvas) is refused without
  allocating it; Pillow's own DecompressionBombError is handled the same way;
* EXIF orientation is applied to the pixels, then the image is re-encoded from pixels
  alone: EXIF (GPS included), XMP, comments and text chunks are dropped, and an embedded
  colour profile is converted to sRGB before it is dropped so colours stay right;
* transparency is kept (PNG, WebP, GIF); CMYK and other modes become RGB;
* animated GIF/WebP/PNG keep only their first frame: a lead image is a still.

A thumbnail at most `thumb_width` wide (and at most four times as tall) is made as WebP.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass

from django.utils import timezone
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

DEFAULT_MAX_PIXELS = 30_000_000
DEFAULT_THUMB_WIDTH = 480
THUMB_MAX_ASPECT = 4  # a thumbnail is at most this many times taller than wide
OPEN_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
EXTENSIONS = {"jpeg": "jpg", "png": "png", "gif": "gif", "webp": "webp"}
JPEG_QUALITY = 85
WEBP_QUALITY = 82


@dataclass
class ProcessedImage:
    data: bytes
    format: str  # 'jpeg' | 'png' | 'webp' | 'gif'
    extension: str  # 'jpg' | 'png' | 'webp' | 'gif'
    width: int
    height: int
    thumbnail: bytes
    thumb_width: int
    thumb_height: int
    thumb_format: str = "webp"


class ImageRejected(Exception):
    """The bytes are not an image we will publish; `code` says why.

    Codes: "unsupported" (not JPEG/PNG/GIF/WebP), "too_large" (too many pixels),
    "corrupt" (could not be decoded).
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __reduce__(self):
        # Picklable for Celery, which would otherwise rebuild it from `message` alone.
        return (self.__class__, (self.code, self.message))


def process_image(
    data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS, thumb_width: int = DEFAULT_THUMB_WIDTH
) -> ProcessedImage:
    """Validate `data` and return it re-encoded without metadata, plus a thumbnail."""
    image = _open(data, max_pixels)
    try:
        source_format = (image.format or "").lower()
        image.seek(0)  # first frame of an animation
        image.load()
        still = _normalise(image)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise ImageRejected("corrupt", f"The image could not be decoded: {error}") from None
    finally:
        image.close()
    output_format = source_format if source_format in EXTENSIONS else "png"
    encoded = _encode(still, output_format)
    thumb = _thumbnail(still, thumb_width)
    return ProcessedImage(
        data=encoded,
        format=output_format,
        extension=EXTENSIONS[output_format],
        width=still.width,
        height=still.height,
        thumbnail=_encode(thumb, "webp"),
        thumb_width=thumb.width,
        thumb_height=thumb.height,
    )


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """Open lazily (header only) and refuse oversize canvases before any decoding."""
    try:
        image = Image.open(io.BytesIO(data), formats=OPEN_FORMATS)
    except Image.DecompressionBombError:
        raise _too_large(max_pixels) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ImageRejected("unsupported", "This is not a JPEG, PNG, GIF or WebP image.") from None
    width, height = image.size
    if width < 1 or height < 1:
        image.close()
        raise ImageRejected("corrupt", "The image has no pixels.")
    if width * height > max_pixels:
        image.close()
        raise _too_large(max_pixels, width, height)
    return image


def _too_large(max_pixels: int, width: int = 0, height: int = 0) -> ImageRejected:
    size = f" ({width}×{height})" if width else ""
    return ImageRejected(
        "too_large", f"The image is too large{size}: at most {max_pixels:,} pixels are accepted."
    )


def _normalise(image: Image.Image) -> Image.Image:
    """Upright, sRGB, in a mode every encoder takes, with no metadata attached."""
    upright = ImageOps.exif_transpose(image) or image
    icc = image.info.get("icc_profile")
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    if image.format == "GIF" and upright.mode == "P":
        # Keep the palette: re-encoding the first frame as GIF is then lossless.
        still = upright.copy()
        transparency = upright.info.get("transparency")
        still.info = {} if transparency is None else {"transparency": transparency}
        return still
    target_mode = "RGBA" if has_alpha else ("L" if upright.mode in ("1", "L") else "RGB")
    if icc and upright.mode in ("RGB", "RGBA", "CMYK", "L"):
        still = _to_srgb(upright, icc, target_mode)
    else:
        still = upright.convert(target_mode)
    if still is upright:
        still = upright.copy()
    still.info = {}
    return still


def _to_srgb(image: Image.Image, icc: bytes, mode: str) -> Image.Image:
    """Convert colours from the embedded profile to sRGB; fall back to a plain convert."""
    if mode == "L":
        return image.convert("L")  # a grey profile changes little; keep it simple
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        colour = image if image.mode in ("RGB", "CMYK") else image.convert("RGB")
        srgb = ImageCms.createProfile("sRGB")
        converted = ImageCms.profileToProfile(colour, source, srgb, outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image.convert(mode)
    assert converted is not None  # only None when converting in place
    if mode == "RGBA":
        converted.putalpha(image.convert("RGBA").getchannel("A"))
    return converted


def _encode(image: Image.Image, fmt: str) -> bytes:
    """Encode pixels only; nothing from the source's metadata is passed to the encoder."""
    buffer = io.BytesIO()
    if fmt == "jpeg":
        flat = _flatten(image) if image.mode not in ("RGB", "L") else image
        flat.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif fmt == "png":
        image.save(buffer, "PNG", optimize=True)
    elif fmt == "gif":
        options = {}
        if "transparency" in image.info:
            options["transparency"] = image.info["transparency"]
        image.save(buffer, "GIF", optimize=True, **options)
    elif fmt == "webp":
        still = image if image.mode in ("RGB", "RGBA") else _rgb_or_rgba(image)
        still.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
    else:
        raise ValueError(f"unknown image format {fmt!r}")
    return buffer.getvalue()


def _rgb_or_rgba(image: Image.Image) -> Image.Image:
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def _flatten(image: Image.Image) -> Image.Image:
    """Composite onto white, for formats without transparency."""
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def _thumbnail(image: Image.Image, thumb_width: int) -> Image.Image:
    thumb = _rgb_or_rgba(image)
    if thumb is image:
        thumb = image.copy()
    thumb.thumbnail((thumb_width, thumb_width * THUMB_MAX_ASPECT), Image.Resampling.LANCZOS)
    return thumb


def random_image_name(extension: str) -> str:
    """A storage path nobody can guess, e.g. "articles/2026/11/<token>.jpg"."""
    ext = extension.lower().lstrip(".")
    ext = EXTENSIONS.get(ext, ext)
    if ext not in EXTENSIONS.values():
        raise ValueError(f"not an image extension: {extension!r}")
    today = timezone.localdate()
    return f"articles/{today:%Y}/{today:%m}/{secrets.token_urlsafe(18)}.{ext}"
