"""Ledger imports beyond the row rules: how big a file may be and how it is read without trusting
what it declares (``reading``), where an uploaded file waits privately (``storage``), and the
background job that runs a large import with progress (``models.ImportJob``, ``services``,
``tasks``, ``views``)."""
