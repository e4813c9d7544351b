"""Files that have no public URL, streamed by a view that has checked who may see them."""

from django.http import FileResponse


def private_file_response(file, *, filename: str, content_type: str, inline: bool = False) -> FileResponse:
    """A download the browser saves (or shows, for a re-encoded image asked for inline), never sniffs
    into something else, and does not keep in a shared cache."""
    response = FileResponse(file.open("rb"), as_attachment=not inline, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
