"""Interlocal: where local governments that share services run their collaboration."""
