"""Sessions in Redis (Django's cache engine), read together with the bell's count in one round trip.

Every signed-in page reads its session and then the bell's unread count (``core.bell``, a per-user
entry of the default cache): two Redis round trips, the second only because the user's id is inside
the first. Here the session is stored with its user's id in front of Django's pickle
(``u<id>:<pickle>``, written by ``SessionSerializer``), and the session is read by a short Lua
script that also returns that user's bell entry, so one round trip reads both. The server side never
looks further into the session than the digits of that prefix.

The bell's value read this way is only ever used for the user the same session signed in
(``prefetched_bell``), and not after anything in this process forgot a bell's count since it was read
(``bell.forgotten``): a request that writes notifications and then shows the bell counts again.

The joint read needs the session cache and the default cache on the same Redis server and database,
with Django's key layout; otherwise (a separate SESSION_REDIS_URL, say) the session is read as Django
reads it and the bell as ``core.bell`` does. A session stored before this (plain pickle) still loads.
"""

import logging
import re

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cache as django_cache_sessions
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache, RedisSerializer
from redis.exceptions import ResponseError

from . import bell

logger = logging.getLogger(__name__)

PREFIX = re.compile(rb"u(\d{1,19}):")
# KEYS[1]: the session's cache key; ARGV[1]: the bell's cache key without the user's id.
SCRIPT = """
local session = redis.call('GET', KEYS[1])
if not session then return {false, false} end
local uid = string.match(session, '^u(%d+):')
if not uid then return {session, false} end
return {session, redis.call('GET', ARGV[1] .. uid)}
"""


class SessionSerializer(RedisSerializer):
    """Django's Redis serializer, with a signed-in session's user id written in front of its pickle."""

    def dumps(self, obj):
        data = super().dumps(obj)
        user_id = obj.get(SESSION_KEY) if isinstance(obj, dict) else None
        if isinstance(user_id, str) and user_id.isascii() and user_id.isdigit() and len(user_id) <= 19:
            return b"u" + user_id.encode() + b":" + data
        return data

    def loads(self, data):
        if isinstance(data, bytes) and data[:1] == b"u" and (match := PREFIX.match(data)):
            data = data[match.end() :]  # Django's own bytes after the prefix
        return super().loads(data)


class _JointRead:
    """The Lua script on the one Redis both caches use, with what it needs to decode its answer."""

    def __init__(self, sessions: RedisCache, default: RedisCache):
        self.sessions, self.default = sessions, default
        self.key = _key(sessions, default)
        self.bell_prefix = default.make_key(bell.bell_key(""))
        self.client = sessions._cache.get_client(write=False)
        self.script = self.client.register_script(SCRIPT)

    @classmethod
    def for_caches(cls, sessions, default):
        """The joint read, or None where the two caches are not one Redis database with Django's keys."""
        if not (isinstance(sessions, RedisCache) and isinstance(default, RedisCache)):
            return None
        if len(sessions._servers) != 1 or sessions._servers != default._servers:
            return None
        if not isinstance(sessions._cache._serializer, SessionSerializer):
            return None
        if default.make_key(bell.bell_key(7)) != default.make_key(bell.bell_key("")) + "7":
            return None  # a KEY_FUNCTION of its own: the script could not name the bell's key
        return cls(sessions, default)

    def read(self, session_cache_key: str):
        """(session data or None, (user id, bell count or None) or None)."""
        key = self.sessions.make_and_validate_key(session_cache_key)
        raw_session, raw_bell = self.script(keys=[key], args=[self.bell_prefix])
        if raw_session is None:
            return None, None
        data = self.sessions._cache._serializer.loads(raw_session)
        match = PREFIX.match(raw_session)
        if match is None:
            return data, None
        count = None if raw_bell is None else self.default._cache._serializer.loads(raw_bell)
        return data, (int(match.group(1)), count)


_joint: dict[tuple[int, int], _JointRead | None] = {}


def _key(sessions, default) -> tuple[int, int]:
    return (id(sessions), id(default))  # cache objects are made anew when settings change (tests)


def joint_read(sessions, default) -> _JointRead | None:
    key = _key(sessions, default)
    if key not in _joint:
        _joint[key] = _JointRead.for_caches(sessions, default)
    return _joint[key]


class SessionStore(django_cache_sessions.SessionStore):
    """Django's cache session store; ``load`` also brings the bell's count of the session's user."""

    prefetched = None  # (user id, bell count or None, bell.forgotten when read)

    def load(self):
        reader = joint_read(self._cache, caches["default"])
        if reader is None:
            return super().load()
        generation = bell.forgotten()
        try:
            data, found = reader.read(self.cache_key)
        except ResponseError:
            # The server refused the script (scripting turned off, say): read as Django does, from now on.
            logger.warning("Redis refused the session script: sessions and the bell are read apart", exc_info=True)
            _joint[reader.key] = None
            return super().load()
        except Exception:
            # As Django's load: a cache that cannot be read is an empty session (signed out), not an error.
            logger.warning("session and bell read failed", exc_info=True)
            data, found = None, None
        if data is None:
            self._session_key = None
            return {}
        if found is not None:
            self.prefetched = (*found, generation)
        return data

    def prefetched_bell(self, user_id):
        """The bell's entry read with this session for ``user_id``: the count, None when none was kept,
        or ``bell.NOT_READ`` when there is nothing to use (no joint read, another user, or a count
        forgotten in this process since)."""
        if self.prefetched is None:
            return bell.NOT_READ
        owner, count, generation = self.prefetched
        self.prefetched = None  # used once: a later read in the same request asks Redis
        if owner != user_id or generation != bell.forgotten() or not (count is None or isinstance(count, int)):
            return bell.NOT_READ
        return count
