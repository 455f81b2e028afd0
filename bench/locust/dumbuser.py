"""The Python side of bench/locust/compare: the original locust-neo4j DumbUser.

A Locust user that "simply slams the target Neo4j system with a silly Cypher read", the way
the seed project's Neo4jUser did: one driver per process for its identity (user@uri), a
read transaction per call, each call reported to Locust as a request (method "read") with
its record count as the response length. Credentials come from NEO4J_URI, NEO4J_USER and
NEO4J_PASSWORD (the seed hard-coded them).

The master of the benchmark loads this file too: DumbUser is the class it hands out, to
this Python worker and to the xk6-neo4j worker alike (which runs bench/locust/dumbuser.js).
"""

import os
import threading
import time

from locust import User, constant, events, task
from neo4j import GraphDatabase
from neo4j import NotificationMinimumSeverity

QUERY = "UNWIND ['Hello', 'World'] AS x RETURN x"


class _Pool:
    """One driver per identity per process, shared by every user (the seed's Neo4jPool)."""

    _lock = threading.Lock()
    _drivers = {}

    @classmethod
    def acquire(cls, uri, user, password):
        key = f"{user}@{uri}"
        with cls._lock:
            entry = cls._drivers.get(key)
            if entry is None:
                driver = GraphDatabase.driver(
                    uri,
                    auth=(user, password),
                    notifications_min_severity=NotificationMinimumSeverity.OFF,
                    telemetry_disabled=True,
                )
                entry = cls._drivers[key] = [driver, 0]
            entry[1] += 1
            return key, entry[0]

    @classmethod
    def release(cls, key):
        with cls._lock:
            entry = cls._drivers.get(key)
            if entry is None:
                return
            entry[1] -= 1
            if entry[1] == 0:
                entry[0].close()
                del cls._drivers[key]


class DumbUser(User):
    """Simply slams the target Neo4j system with a silly Cypher read."""

    wait_time = constant(0)

    def on_start(self):
        self._key, driver = _Pool.acquire(
            os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"),
            os.environ.get("NEO4J_USER", "neo4j"),
            os.environ["NEO4J_PASSWORD"],
        )
        self._session = driver.session(database="neo4j")

    def on_stop(self):
        self._session.close()
        _Pool.release(self._key)

    def read(self, cypher, name):
        start = time.perf_counter()
        exc, count = None, 0
        try:
            count = self._session.execute_read(lambda tx: len(list(tx.run(cypher))))
        except Exception as e:  # reported as a failure, as the seed's client did
            exc = e
        events.request.fire(
            request_type="read",
            name=name,
            response_time=(time.perf_counter() - start) * 1000,
            response_length=count,
            exception=exc,
            context={},
        )
        return count

    @task
    def hello_world(self):
        self.read(QUERY, "hello-world (python)")
