"""The Hub client: cached answers first, the Hub (in parallel) for the rest."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from scanner.find.identify import hub_id
from scanner.resolve.hub.cache import TTL_SECONDS, cacheable, read_cache, write_cache
from scanner.resolve.hub.card import HubCard
from scanner.resolve.hub.settings import HubSettings
from scanner.resolve.hub.transport import fetch_card

MAX_WORKERS = 4


@dataclass(frozen=True, slots=True)
class HubClient:
    """Asks the Hub through an on-disk cache (``cache_file`` None: no cache)."""

    settings: HubSettings = field(default_factory=HubSettings)
    cache_file: Path | None = None
    ttl: float = TTL_SECONDS
    clock: Callable[[], float] = time.time

    def cards(self, repo_ids: Iterable[str]) -> dict[str, HubCard]:
        """The card of every distinct id: fresh cache entries first, the Hub for the rest.

        The cache key is the request URL (``settings.url``), the only URL a later lookup can
        compute before asking, so reads and writes use the same key. Keying by the final URL
        after redirects would never be found again; keying a cross-origin answer by the
        request URL would let whatever host a redirect named answer for the endpoint for a
        week. So a card is cached only when it is a validated answer (FOUND from a parsed
        JSON object, or NOT_FOUND) that the configured endpoint's origin gave: not
        redirected, or redirected only within the endpoint's scheme, host and port.
        """
        cache = read_cache(self.cache_file) if self.cache_file else {}
        now = self.clock()
        answers: dict[str, HubCard] = {}
        missing: list[str] = []
        for repo_id in dict.fromkeys(repo_ids):
            entry = cache.get(self.settings.url(hub_id(repo_id) or repo_id))
            if entry is not None and 0 <= now - entry[0] < self.ttl:
                answers[repo_id] = entry[1]
            else:
                missing.append(repo_id)
        fetched = self._fetch_all(missing)
        answers.update(fetched)
        endpoint = self.settings.endpoint
        to_cache = [card for card in fetched.values() if cacheable(card, endpoint)]
        if self.cache_file is not None and to_cache:
            fresh = {url: e for url, e in cache.items() if 0 <= now - e[0] < self.ttl}
            fresh.update((card.url, (now, card)) for card in to_cache)
            write_cache(self.cache_file, fresh)
        return answers

    def _fetch_all(self, repo_ids: Sequence[str]) -> dict[str, HubCard]:
        if len(repo_ids) <= 1:
            return {repo_id: fetch_card(self.settings, repo_id) for repo_id in repo_ids}
        with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(repo_ids))) as pool:
            cards = pool.map(lambda repo_id: fetch_card(self.settings, repo_id), repo_ids)
            return dict(zip(repo_ids, cards, strict=True))
