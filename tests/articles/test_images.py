"""Lead-image processing on images built in memory with Pillow."""

from __future__ import annotations

import io
import pickle
import re
import struct
import zlib

import pytest
from PIL import ExifTags, Image, ImageCms, ImageFile
from PIL.PngImagePlugin import PngInfo

from articles.images import ImageRejected, process_image, random_image_name

RED = (220, 20, 20)
BLUE = (20, 20, 220)


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def reopen(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def pixel(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    """The bands of one pixel of a multi-band image (single-band ones give a number)."""
    value = image.getpixel(xy)
    assert isinstance(value, tuple), value
    return value


def close_to(actual, expected, tolerance: int = 30) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=False))


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Artist] = "Secret Person"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (39.0, 54.0, 15.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (116.0, 23.0, 30.0),
    }
    return exif


# --- Formats and sizes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "expected", "extension"),
    [("JPEG", "jpeg", "jpg"), ("PNG", "png", "png"), ("WEBP", "webp", "webp"),
     ("GIF", "gif", "gif")],
)  # fmt: skip
def test_keeps_the_format_and_reports_size_and_extension(fmt, expected, extension) -> None:
    data = encode(Image.new("RGB", (640, 360), RED), fmt)

    result = process_image(data)

    assert (result.format, result.extension) == (expected, extension)
    assert (result.width, result.height) == (640, 360)
    assert reopen(result.data).format == fmt
    assert reopen(result.data).size == (640, 360)


def test_thumbnail_is_webp_at_most_thumb_width_wide_with_aspect_kept() -> None:
    data = encode(Image.new("RGB", (1200, 800), RED), "JPEG")

    result = process_image(data, thumb_width=480)

    thumb = reopen(result.thumbnail)
    assert thumb.format == "WEBP"
    assert thumb.size == (480, 320) == (result.thumb_width, result.thumb_height)
    assert result.thumb_format == "webp"


def test_small_images_are_not_enlarged_for_the_thumbnail() -> None:
    data = encode(Image.new("RGB", (200, 100), RED), "PNG")

    result = process_image(data, thumb_width=480)

    assert (result.thumb_width, result.thumb_height) == (200, 100)


def test_very_tall_images_get_a_thumbnail_of_bounded_height() -> None:
    data = encode(Image.new("RGB", (1000, 20000), RED), "PNG")

    result = process_image(data, thumb_width=400)

    assert result.thumb_height <= 4 * 400
    assert result.thumb_width == round(result.thumb_height * 1000 / 20000)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<!doctype html><html><body>Not found</body></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"%PDF-1.7\n",
    ],
)
def test_non_images_are_rejected_as_unsupported(data: bytes) -> None:
    with pytest.raises(ImageRejected) as caught:
        process_image(data)

    assert caught.value.code == "unsupported"


@pytest.mark.parametrize("fmt", ["BMP", "TIFF", "ICO", "PPM"])
def test_formats_pillow_could_read_but_we_do_not_accept_are_unsupported(fmt: str) -> None:
    data = encode(Image.new("RGB", (32, 32), RED), fmt)

    with pytest.raises(ImageRejected) as caught:
        process_image(data)

    assert caught.value.code == "unsupported"


def test_truncated_image_is_rejected_as_corrupt() -> None:
    data = encode(Image.effect_noise((300, 300), 60).convert("RGB"), "JPEG")

    with pytest.raises(ImageRejected) as caught:
        process_image(data[: len(data) // 2])

    assert caught.value.code == "corrupt"


# --- Decompression bombs ----------------------------------------------------------------------


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that declares a huge canvas: decoding it would need gigabytes."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("side", [8_000, 50_000])  # under and over Pillow's own bomb limit
def test_oversize_canvas_is_refused_from_the_header_without_decoding(
    monkeypatch, side: int
) -> None:
    def must_not_decode(self, *args, **kwargs):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", must_not_decode)
    data = png_header_only(side, side)
    assert len(data) < 200

    with pytest.raises(ImageRejected) as caught:
        process_image(data, max_pixels=30_000_000)

    assert caught.value.code == "too_large"
    assert "30,000,000 pixels" in caught.value.message


def test_pillow_decompression_bomb_error_is_reported_as_too_large(monkeypatch) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000)
    data = encode(Image.new("RGB", (100, 100), RED), "PNG")  # over twice Pillow's limit

    with pytest.raises(ImageRejected) as caught:
        process_image(data, max_pixels=10**9)

    assert caught.value.code == "too_large"


def test_max_pixels_is_a_parameter() -> None:
    data = encode(Image.new("RGB", (100, 100), RED), "PNG")

    assert process_image(data, max_pixels=10_000).width == 100
    with pytest.raises(ImageRejected):
        process_image(data, max_pixels=9_999)


# --- Metadata ---------------------------------------------------------------------------------


def test_exif_with_gps_and_comments_are_removed_from_jpeg() -> None:
    source = Image.new("RGB", (120, 80), RED)
    data = encode(source, "JPEG", exif=gps_exif(), comment=b"shot at home")
    assert reopen(data).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the input has GPS

    result = process_image(data)

    output = reopen(result.data)
    assert not output.getexif()
    assert "exif" not in output.info and "comment" not in output.info
    for secret in (b"Exif", b"PhoneMaker", b"Secret Person", b"shot at home"):
        assert secret not in result.data
        assert secret not in result.thumbnail


def test_exif_and_xmp_are_removed_from_webp() -> None:
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">Secret Person</x:xmpmeta>'
    data = encode(Image.new("RGB", (64, 64), RED), "WEBP", exif=gps_exif(), xmp=xmp)

    result = process_image(data)

    assert b"Secret Person" not in result.data
    assert b"EXIF" not in result.data and b"XMP " not in result.data


def test_png_text_chunks_and_colour_profile_are_removed() -> None:
    info = PngInfo()
    info.add_text("Author", "Secret Person")
    info.add_itxt("Comment", "home address", lang="en")
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(Image.new("RGB", (64, 64), RED), "PNG", pnginfo=info, icc_profile=profile)

    result = process_image(data)

    output = reopen(result.data)
    assert "icc_profile" not in output.info
    assert "Author" not in output.info and "Comment" not in output.info
    assert b"Secret Person" not in result.data and b"home address" not in result.data


def test_gif_comment_is_removed() -> None:
    data = encode(Image.new("P", (32, 32), 1), "GIF", comment=b"Secret Person")

    result = process_image(data)

    assert b"Secret Person" not in result.data


def test_colours_are_converted_through_an_embedded_profile_before_it_is_dropped(
    monkeypatch,
) -> None:
    conversions = []
    real = ImageCms.profileToProfile

    def spy(image, source, target, **kwargs):
        conversions.append(ImageCms.getProfileName(source).strip())
        return real(image, source, target, **kwargs)

    monkeypatch.setattr(ImageCms, "profileToProfile", spy)
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(Image.new("RGB", (32, 32), RED), "JPEG", icc_profile=profile, quality=95)

    result = process_image(data)

    assert conversions and "sRGB" in conversions[0]
    output = reopen(result.data)
    assert close_to(output.getpixel((5, 5)), RED)
    assert "icc_profile" not in output.info


def test_an_unusable_colour_profile_is_dropped_without_failing() -> None:
    data = encode(Image.new("RGB", (32, 32), RED), "PNG", icc_profile=b"not a profile")

    result = process_image(data)

    assert "icc_profile" not in reopen(result.data).info


# --- Orientation, transparency, modes, frames ---------------------------------------------


def test_exif_orientation_is_applied_to_the_pixels() -> None:
    source = Image.new("RGB", (40, 20), RED)
    source.paste(BLUE, (20, 0, 40, 20))  # left half red, right half blue
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # "rotate 90° clockwise to display"
    data = encode(source, "JPEG", exif=exif, quality=95)

    result = process_image(data)

    output = reopen(result.data).convert("RGB")
    assert output.size == (20, 40) == (result.width, result.height)
    assert close_to(output.getpixel((10, 5)), RED)  # the left half is now on top
    assert close_to(output.getpixel((10, 35)), BLUE)
    assert ExifTags.Base.Orientation not in reopen(result.data).getexif()


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_transparency_is_kept(fmt: str) -> None:
    source = Image.new("RGBA", (40, 40), (*RED, 255))
    source.paste((0, 0, 0, 0), (0, 0, 20, 40))
    data = encode(source, fmt, lossless=True) if fmt == "WEBP" else encode(source, fmt)

    result = process_image(data)

    output = reopen(result.data)
    assert output.mode == "RGBA"
    assert pixel(output, (5, 5))[3] == 0
    assert pixel(output, (35, 5))[3] == 255
    assert reopen(result.thumbnail).mode == "RGBA"


def test_palette_png_with_transparency_becomes_rgba() -> None:
    source = Image.new("P", (20, 20), 0)
    source.putpalette([*RED, *BLUE] + [0] * 762)
    source.paste(1, (10, 0, 20, 20))
    data = encode(source, "PNG", transparency=1)

    result = process_image(data)

    output = reopen(result.data)
    assert output.mode == "RGBA"
    assert pixel(output, (15, 5))[3] == 0
    assert close_to(pixel(output, (5, 5))[:3], RED, tolerance=0)


def test_cmyk_jpeg_becomes_rgb_with_the_right_colours() -> None:
    data = encode(Image.new("RGB", (32, 32), RED).convert("CMYK"), "JPEG", quality=95)
    assert reopen(data).mode == "CMYK"

    result = process_image(data)

    output = reopen(result.data)
    assert output.mode == "RGB"
    assert close_to(output.getpixel((10, 10)), RED)


def test_greyscale_stays_greyscale() -> None:
    data = encode(Image.new("L", (32, 32), 128), "JPEG")

    result = process_image(data)

    assert reopen(result.data).mode == "L"


def test_only_the_first_frame_of_an_animated_gif_is_kept() -> None:
    frames = [Image.new("RGB", (30, 30), colour).convert("P") for colour in (RED, BLUE)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    assert getattr(reopen(data), "n_frames", 1) == 2

    result = process_image(data)

    output = Image.open(io.BytesIO(result.data))
    assert result.format == "gif"
    assert getattr(output, "n_frames", 1) == 1
    assert close_to(output.convert("RGB").getpixel((10, 10)), RED)  # web palette: near red


def test_only_the_first_frame_of_an_animated_webp_is_kept() -> None:
    frames = [Image.new("RGB", (30, 30), colour) for colour in (RED, BLUE)]
    data = encode(frames[0], "WEBP", save_all=True, append_images=frames[1:], lossless=True)
    assert getattr(reopen(data), "n_frames", 1) == 2

    result = process_image(data)

    output = Image.open(io.BytesIO(result.data))
    assert getattr(output, "n_frames", 1) == 1
    assert close_to(output.convert("RGB").getpixel((10, 10)), RED)


def test_gif_transparency_is_kept() -> None:
    source = Image.new("P", (20, 20), 0)
    source.putpalette([*RED, *BLUE] + [0] * 762)
    source.paste(1, (10, 0, 20, 20))
    data = encode(source, "GIF", transparency=1)

    result = process_image(data)

    output = reopen(result.data).convert("RGBA")
    assert pixel(output, (15, 5))[3] == 0
    assert pixel(output, (5, 5))[3] == 255


def test_image_rejected_survives_pickling_as_celery_does() -> None:
    copy = pickle.loads(pickle.dumps(ImageRejected("too_large", "The image is too large.")))

    assert (copy.code, copy.message, str(copy)) == (
        "too_large",
        "The image is too large.",
        "The image is too large.",
    )


# --- Names --------------------------------------------------------------------------------


def test_random_image_names_are_dated_unguessable_and_distinct() -> None:
    names = {random_image_name("jpg") for _ in range(200)}

    assert len(names) == 200
    for name in names:
        assert re.fullmatch(r"articles/\d{4}/\d{2}/[A-Za-z0-9_-]{24}\.jpg", name), name


@pytest.mark.parametrize(
    ("extension", "suffix"), [("jpeg", ".jpg"), (".PNG", ".png"), ("webp", ".webp")]
)
def test_random_image_names_normalise_the_extension(extension: str, suffix: str) -> None:
    assert random_image_name(extension).endswith(suffix)


@pytest.mark.parametrize("extension", ["php", "svg", "../jpg", "jpg/../../x", ""])
def test_random_image_names_refuse_other_extensions(extension: str) -> None:
    with pytest.raises(ValueError):
        random_image_name(extension)
