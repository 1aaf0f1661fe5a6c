"""The polling decisions (core/sources/polling.py), with the clock and the jitter given."""

from __future__ import annotations

import email.utils
from pathlib import Path

import pytest

from newswire.core.sources.feeds import FeedError, read_feed_document
from newswire.core.sources.polling import (
    FeedState,
    PollPolicy,
    after_failure,
    after_success,
    backoff_ceiling,
    conditional_headers,
    feed_status,
    healthy_interval,
    most_overdue_seconds,
    new_state,
    owner,
    permanent_url,
    read_feed_list,
    remember,
    retry_after_seconds,
    status_outcome,
)

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"
NOW = 1_800_000_000.0
POLICY = PollPolicy(interval_seconds=60, min_interval_seconds=10, max_interval_seconds=3600, backoff_cap_seconds=4 * 3600,
                    failing_after_seconds=1800, max_entry_ids=5)


def highest(low: float, high: float) -> float:
    return high


def lowest(low: float, high: float) -> float:
    return low


def test_first_poll_is_unconditional_then_the_validators_go_back() -> None:
    state = new_state("http://h/f.rss", NOW)
    assert conditional_headers(state) == {}
    state = after_success(state, now=NOW, policy=POLICY, status=200, url=state.url,
                          headers=[("etag", '"v1"'), ("last-modified", "Tue, 03 Mar 2026 10:05:00 GMT")])
    assert conditional_headers(state) == {"If-None-Match": '"v1"', "If-Modified-Since": "Tue, 03 Mar 2026 10:05:00 GMT"}
    assert state.next_due == NOW + 60
    # A 304 carries no validators of its own: the stored ones stay.
    after = after_success(state, now=NOW + 60, policy=POLICY, status=304, headers=[], url=state.url)
    assert conditional_headers(after) == conditional_headers(state)
    assert after.last_success == NOW + 60 and after.next_due == NOW + 120


def test_a_publish_that_failed_drops_the_validators_so_the_next_poll_is_full() -> None:
    state = after_success(new_state("http://h/f", NOW), now=NOW, policy=POLICY, status=200, url="http://h/f",
                          headers=[("etag", '"v1"')], keep_validators=False)
    assert conditional_headers(state) == {}


@pytest.mark.parametrize(("cache_control", "hint", "expected"), [
    (None, None, 60),  # the configured interval
    ("max-age=600", None, 600),  # the server asks for less: granted
    ("public, max-age=5", None, 60),  # hints never shorten the interval
    ("max-age=999999", None, 3600),  # ... nor lengthen it past the maximum
    ("no-cache, max-age=600", None, 60),
    (None, 900, 900),  # RSS <ttl>15</ttl>
    ("max-age=300", 900, 900),  # the longest hint wins
])
def test_next_due_after_success_honours_hints_within_bounds(cache_control, hint, expected) -> None:
    headers = [("cache-control", cache_control)] if cache_control else []
    state = after_success(new_state("http://h/f", NOW), now=NOW, policy=POLICY, status=200, headers=headers,
                          url="http://h/f", refresh_hint=hint)
    assert state.next_due - NOW == expected


def test_watch_below_the_minimum_is_raised_to_it() -> None:
    assert healthy_interval(PollPolicy(interval_seconds=1, min_interval_seconds=10)) == 10


def test_feed_refresh_hints_from_ttl_and_syndication_module() -> None:
    assert read_feed_document((FEEDS / "world.rss").read_bytes()).refresh_seconds == 15 * 60
    assert read_feed_document((FEEDS / "arabic.atom").read_bytes()).refresh_seconds is None
    sy = (b'<?xml version="1.0"?><rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel>'
          b"<title>t</title><sy:updatePeriod>daily</sy:updatePeriod><sy:updateFrequency>4</sy:updateFrequency>"
          b"<item><title>a</title><description>b</description></item></channel></rss>")
    assert read_feed_document(sy).refresh_seconds == 86400 / 4


def test_retry_after_in_seconds_and_as_http_date() -> None:
    assert retry_after_seconds("120", NOW) == 120
    assert retry_after_seconds(email.utils.formatdate(NOW + 90, usegmt=True), NOW) == pytest.approx(90)
    assert retry_after_seconds(email.utils.formatdate(NOW - 90, usegmt=True), NOW) == 0
    assert retry_after_seconds("soon", NOW) is None
    assert retry_after_seconds(None, NOW) is None


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_what_the_next_poll_waits(status: int) -> None:
    state = after_failure(new_state("http://h/f", NOW), now=NOW, policy=POLICY, outcome=status_outcome(status),
                          error=f"HTTP {status}", status=status, headers=[("Retry-After", "1200")], uniform=lowest)
    assert state.next_due == NOW + 1200
    assert state.errors == 1 and feed_status(state, NOW, POLICY) == "backing_off"
    dated = after_failure(new_state("http://h/f", NOW), now=NOW, policy=POLICY, outcome="4xx", error="HTTP 429",
                          status=status, headers=[("retry-after", email.utils.formatdate(NOW + 300, usegmt=True))],
                          uniform=lowest)
    assert dated.next_due == pytest.approx(NOW + 300)


def test_retry_after_is_bounded_by_the_floor_and_the_cap() -> None:
    for asked, waited in (("0", 10), ("99999999", 4 * 3600)):
        state = after_failure(new_state("http://h/f", NOW), now=NOW, policy=POLICY, outcome="4xx", error="HTTP 429",
                              status=429, headers=[("retry-after", asked)], uniform=lowest)
        assert state.next_due - NOW == waited


def test_backoff_grows_is_capped_never_gives_up_and_recovery_resets_it() -> None:
    state = new_state("http://h/f", NOW)
    waits = []
    now = NOW
    for _ in range(12):
        state = after_failure(state, now=now, policy=POLICY, outcome="5xx", error="HTTP 500", status=500, uniform=highest)
        waits.append(state.next_due - now)
        now = state.next_due
    assert waits[:4] == [120, 240, 480, 960]  # doubled from the interval
    assert max(waits) == waits[-1] == 4 * 3600  # capped, and still polled after 12 failures
    assert state.errors == 12 and feed_status(state, now, POLICY) == "failing"
    recovered = after_success(state, now=now, policy=POLICY, status=200, headers=[], url=state.url)
    assert recovered.errors == 0 and recovered.failing_since is None and recovered.next_due == now + 60
    assert feed_status(recovered, now, POLICY) == "ok"
    again = after_failure(recovered, now=now, policy=POLICY, outcome="5xx", error="HTTP 500", status=500, uniform=highest)
    assert again.next_due - now == 120


def test_backoff_jitter_spans_from_the_interval_to_the_ceiling() -> None:
    seen: list[tuple[float, float]] = []

    def record(low: float, high: float) -> float:
        seen.append((low, high))
        return (low + high) / 2

    state = after_failure(new_state("http://h/f", NOW), now=NOW, policy=POLICY, outcome="timeout", error="timed out",
                          uniform=record)
    state = after_failure(state, now=NOW, policy=POLICY, outcome="timeout", error="timed out", uniform=record)
    assert seen == [(60, 120), (60, 240)]
    assert backoff_ceiling(POLICY, 10_000) == 4 * 3600  # no overflow however long it fails


def test_failing_only_after_the_configured_time() -> None:
    state = after_failure(new_state("http://h/f", NOW), now=NOW, policy=POLICY, outcome="refused", error="refused",
                          uniform=lowest)
    assert feed_status(state, NOW + 1799, POLICY) == "backing_off"
    assert feed_status(state, NOW + 1800, POLICY) == "failing"
    later = after_failure(state, now=NOW + 1000, policy=POLICY, outcome="refused", error="refused", uniform=lowest)
    assert later.failing_since == NOW  # since the first failure in a row


def test_permanent_redirects_move_the_stored_url_temporary_ones_do_not() -> None:
    assert permanent_url("http://a/f", [(301, "http://b/f")]) == "http://b/f"
    assert permanent_url("http://a/f", [(308, "http://b/f"), (301, "http://c/f")]) == "http://c/f"
    assert permanent_url("http://a/f", [(301, "http://b/f"), (302, "http://c/f")]) == "http://b/f"
    assert permanent_url("http://a/f", [(302, "http://b/f"), (301, "http://c/f")]) == "http://a/f"
    state = after_success(new_state("http://a/f", NOW), now=NOW, policy=POLICY, status=200, headers=[],
                          url="http://b/f", redirects=[(301, "http://b/f")])
    assert (state.feed, state.url) == ("http://a/f", "http://b/f")


def test_entry_ids_are_bounded_newest_kept() -> None:
    kept = remember((), ["a", "b", "c"], 5)
    kept = remember(kept, ["c", "d", "e", "f", "g"], 5)
    assert kept == ("c", "d", "e", "f", "g")
    state = after_success(new_state("http://h/f", NOW), now=NOW, policy=POLICY, status=200, headers=[], url="http://h/f",
                          published_ids=[str(i) for i in range(50)])
    assert state.entry_ids == ("45", "46", "47", "48", "49")


def test_state_round_trips_through_json_shape() -> None:
    state = after_success(new_state("http://h/f", NOW), now=NOW, policy=POLICY, status=200, url="http://h/f",
                          headers=[("etag", "x")], published_ids=["a"])
    assert FeedState.from_dict(state.to_dict()) == state
    assert FeedState.from_dict({**state.to_dict(), "added_later": 1}) == state  # a newer writer's field is ignored


@pytest.mark.parametrize(("status", "outcome"), [(200, "200"), (304, "304"), (404, "4xx"), (429, "4xx"), (503, "5xx"),
                                                 (302, "refused")])
def test_status_outcomes_are_a_fixed_set(status: int, outcome: str) -> None:
    assert status_outcome(status) == outcome


def test_owner_is_stable_and_spreads_feeds() -> None:
    feeds = [f"https://example{i}.org/feed.xml" for i in range(200)]
    assert owner(feeds[0], 3) == owner(feeds[0], 3)
    assert owner(feeds[0], 1) == 0
    shares = [sum(owner(f, 3) == i for f in feeds) for i in range(3)]
    assert sum(shares) == 200 and min(shares) > 40
    # A known value: the digest is the contract between machines, not Python's salted hash().
    assert owner("https://example0.org/feed.xml", 1000) == int.from_bytes(
        __import__("hashlib").sha256(b"https://example0.org/feed.xml").digest()[:8], "big") % 1000


def test_most_overdue() -> None:
    states = [FeedState("a", "a", next_due=NOW - 30), FeedState("b", "b", next_due=NOW + 30)]
    assert most_overdue_seconds(states, NOW) == 30
    assert most_overdue_seconds(states[1:], NOW) == 0
    assert most_overdue_seconds([], NOW) == 0


OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>exported</title></head><body>
  <outline text="World"><outline type="rss" text="One" xmlUrl="https://one.example/rss"/>
    <outline type="rss" text="Two" xmlUrl="http://two.example/atom.xml"/></outline>
  <outline type="rss" text="One again" xmlUrl="https://one.example/rss"/>
</body></opml>"""


def test_feed_list_from_opml_nested_and_deduplicated() -> None:
    assert read_feed_list(OPML) == ["https://one.example/rss", "http://two.example/atom.xml"]


def test_feed_list_plain() -> None:
    text = b"# my feeds\nhttps://one.example/rss\n\n  http://two.example/atom.xml  \nhttps://one.example/rss\n"
    assert read_feed_list(text) == ["https://one.example/rss", "http://two.example/atom.xml"]


@pytest.mark.parametrize(("data", "reason"), [
    (b"https://ok.example/rss\nfile:///etc/passwd\n", "list.txt:2: not an http(s) URL"),
    (b'<?xml version="1.0"?><!DOCTYPE o [<!ENTITY a "aaaa">]><opml><body><outline xmlUrl="https://x/&a;"/></body></opml>',
     "declares XML entities"),
    (b'<opml version="2.0"><body><outline xmlUrl="file:///etc/passwd"/></body></opml>', "is not an http(s) URL"),
])
def test_bad_feed_lists_say_why_in_one_line(data: bytes, reason: str) -> None:
    with pytest.raises(FeedError) as caught:
        read_feed_list(data, "list.txt")
    assert reason in str(caught.value) and "\n" not in str(caught.value)
