"""Compiled templates shared by the apps of one test process.

Every test builds an app of its own, and each app's Jinja environment would compile every
template it renders again: about a tenth of a second for the home page, over and over. Jinja's
bytecode cache keeps the compiled code of each template, keyed by its name and checked against
a hash of its source (an edited template is compiled afresh). All the apps come from the same
create_app(), with the same Jinja settings, so the compiled code of one fits them all; each
app still renders through its own environment, globals and filters.
"""

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket


class InMemoryBytecodeCache(BytecodeCache):
    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = InMemoryBytecodeCache()
