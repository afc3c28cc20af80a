"""REL007 retry-without-backoff: what makes a `while True` loop a retry.

Guards what the rules' mutation run found unguarded: which names a `try` reads (not an
attribute's or a keyword's name), input read afresh before the `try`, annotated assignments,
which comparisons bound the loop (only counters and clocks, on a branch that leaves it, `else`
and `elif` included), and tries that never leave the loop or whose handlers all leave it.
"""

from __future__ import annotations

from test_guard_rules import lines, marked

REL007_REBINDING = """\
class Client:
    def fetch(self):
        while True:  # bad
            try:
                return self.session.get(self.url)
            except ConnectionError:
                session = make_session()

    def fetch_slowly(self, url):
        while True:  # bad
            try:
                return self.session.get(url, timeout=5)
            except TimeoutError:
                timeout = 10
"""


def test_rel007_rebinding_a_local_the_try_does_not_read_is_still_a_retry() -> None:
    # `session = ...` does not change `self.session`, nor `timeout = 10` the literal `timeout=5`:
    # the next pass sends the same call again.
    assert lines(REL007_REBINDING, "REL007") == marked(REL007_REBINDING)


REL007_AFRESH = """\
def ask_port(read_line):
    while True:
        answer = read_line("port: ")
        try:
            return int(answer)
        except ValueError:
            print("not a number, try again")


def fetch_latest(client, feed, log):
    while True:
        url: str = feed.latest_url()
        try:
            return client.get(url)
        except LookupError:
            log.info("latest entry vanished, reading the feed again")
"""


def test_rel007_input_read_afresh_before_the_try_is_not_a_retry() -> None:
    # A value bound in the loop before the `try`, annotated or not, is new on each pass.
    assert lines(REL007_AFRESH, "REL007") == marked(REL007_AFRESH)


REL007_BOUNDS = """\
import time


def fetch(client):
    while True:  # bad
        try:
            return client.get()
        except HTTPError as exc:
            if exc.status != 503:
                raise


def publish(channel, message, backlog):
    while True:  # bad
        waiting = backlog.qsize()
        try:
            return channel.publish(message)
        except ConnectionError:
            if waiting > 1000:
                raise


def call(operation, log):
    attempts = 0
    while True:  # bad
        attempts += 1
        try:
            return operation()
        except TimeoutError:
            if attempts > 3:
                log.warning("still failing after %d attempts", attempts)


def call_until(operation, deadline):
    while True:
        try:
            return operation()
        except TimeoutError:
            if time.monotonic() > deadline:
                raise


def call_counted(operation, log):
    attempts = 0
    while True:
        try:
            return operation()
        except TimeoutError:
            attempts += 1
            if attempts < 5:
                continue
            else:
                raise


def call_escalating(operation, log):
    attempts = 0
    while True:
        try:
            return operation()
        except TimeoutError:
            attempts += 1
            if attempts < 3:
                log.warning("retrying")
            elif attempts < 5:
                log.error("still failing")
            else:
                raise


def call_until_the_limit(operation, log, limit):
    attempts = 0
    while True:
        try:
            return operation()
        except TimeoutError:
            attempts += 1
            if attempts < limit:
                log.warning("retrying (%d)", attempts)
            elif attempts == limit:
                raise


def connect(pool, max_age):
    while True:  # bad
        try:
            return pool.connect()
        except ConnectionError:
            for conn in list(pool.idle):
                if time.monotonic() - conn.created > max_age:
                    pool.discard(conn)
                    break
"""


def test_rel007_only_a_counter_or_clock_compared_on_a_leaving_branch_bounds_the_loop() -> None:
    # A status check, a backlog size or a counter that only raises the log level do not end
    # the retries; a deadline, or a counter whose `else` or `elif` branch raises, does. A clock
    # compared in a nested `for` whose `break` leaves only that `for` bounds nothing.
    assert lines(REL007_BOUNDS, "REL007") == marked(REL007_BOUNDS)


REL007_NOT_RETRIES = """\
def read_when_ready(device):
    while True:
        if not device.ready():
            continue
        try:
            return device.read()
        except OSError:
            raise DeviceError(device)


def serve(server, log):
    while True:
        try:
            server.handle_request()
        except Exception:
            log.exception("request failed")


def consume(consumer, handle, log):
    while True:
        try:
            for message in consumer.poll():
                if message is None:
                    break
                handle(message)
        except ConnectionError:
            log.warning("poll failed")


def pump(sock, handle, log):
    while True:
        try:
            while True:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                handle(chunk)
        except ConnectionResetError:
            log.warning("connection reset")

"""


def test_rel007_a_try_that_never_leaves_the_loop_or_whose_handlers_all_do_is_no_retry() -> None:
    # A serve-forever loop that logs and carries on, a poll whose `break` leaves only a nested
    # loop, and a handler that raises: none of them tries the same thing again after an error.
    assert lines(REL007_NOT_RETRIES, "REL007") == marked(REL007_NOT_RETRIES)


REL007_NESTED_FUNCTIONS = """\
def fetch(client, url):
    while True:  # bad
        def on_redirect(location):
            url = location

        try:
            return client.get(url, on_redirect=on_redirect)
        except ConnectionError:
            continue


def watch(client, handle, log):
    while True:
        def handle_safely(event):
            try:
                return handle(event)
            except ValueError:
                log.warning("skipping a malformed event")

        client.poll(handle_safely)
"""


def test_rel007_a_function_defined_in_the_loop_neither_advances_nor_retries_it() -> None:
    # Without `nonlocal`, `url = location` binds the callback's own `url`: the next pass
    # fetches the same URL. A `try` in a callback handles the callback's errors, not the loop's.
    assert lines(REL007_NESTED_FUNCTIONS, "REL007") == marked(REL007_NESTED_FUNCTIONS)
