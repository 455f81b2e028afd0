"""The Locust master's side of xk6-neo4j workers.

A Locust master needs User classes: their names are what it hands out to workers
("run 10 ReadUser, 10 WriteUser"). The work itself happens in xk6-neo4j workers, where each
class runs the script's exported function of the same name (any case), else its default
function. Nothing here ever runs a query: these tasks run only if a Python worker joins by
mistake, and then they fail loudly.

The classes are ReadUser and WriteUser (for examples/locust.js), or the comma-separated
names in XK6_USER_CLASSES, e.g. XK6_USER_CLASSES=Browse,Checkout. Weights default to 1;
give one as Name:weight (XK6_USER_CLASSES=ReadUser:3,WriteUser:1).
"""

import os

from locust import User, constant, task


class _Xk6Neo4jUser(User):
    """A user class whose users run in xk6-neo4j workers only."""

    abstract = True
    wait_time = constant(1)

    @task
    def runs_in_xk6_neo4j_workers(self):
        raise RuntimeError(
            f"{type(self).__name__} runs in xk6-neo4j workers "
            "(xk6-neo4j worker --master HOST:PORT script.js), not in a Python Locust"
        )


def _user_classes(spec):
    classes = {}
    for item in spec.split(","):
        name, _, weight = item.strip().partition(":")
        if not name:
            continue
        if not name.isidentifier():
            raise ValueError(f"XK6_USER_CLASSES: {name!r} is not a valid class name")
        classes[name] = type(name, (_Xk6Neo4jUser,), {"weight": int(weight or 1), "__module__": __name__})
    if not classes:
        raise ValueError("XK6_USER_CLASSES names no user class")
    return classes


globals().update(_user_classes(os.environ.get("XK6_USER_CLASSES", "ReadUser,WriteUser")))
