"""The officers app's admin site, a module a part: accounts, units, the registry, training and the
system tables. Importing them registers every ModelAdmin."""

from . import accounts, registry, system, training, units  # noqa: F401
