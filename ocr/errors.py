"""Why an uploaded image was refused.

The HTTP layer maps each class to a status (415, 413, 422) and returns `code` and `detail` to the
client, so `code` is part of the API: it is stable snake_case and never changes with the wording
of `detail`.
"""

from __future__ import annotations

from typing import ClassVar


class ImageError(Exception):
    """Base class: the upload cannot be turned into pixels. `code` names the kind of failure for
    machines, `detail` explains this particular upload for people."""

    code: ClassVar[str] = "image_error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, detail={self.detail!r})"


class UnsupportedImageType(ImageError):  # noqa: N818 - names are part of the API contract
    """The bytes are not a JPEG, PNG, WebP or HEIC/HEIF image (a PDF, a script, nothing at all).
    Decided from the content's magic bytes, never from a filename or a declared content type."""

    code: ClassVar[str] = "unsupported_media_type"


class ImageTooLarge(ImageError):  # noqa: N818 - names are part of the API contract
    """Too many bytes, or a header declaring more pixels than we are willing to decode: refused
    before decoding so that a small decompression bomb cannot exhaust memory."""

    code: ClassVar[str] = "image_too_large"


class CorruptImage(ImageError):  # noqa: N818 - names are part of the API contract
    """The type is supported but the data is truncated or undecodable; `detail` carries the
    decoder's own reason."""

    code: ClassVar[str] = "corrupt_image"
