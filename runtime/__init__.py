"""What every layer of the project runs on: the cache that never fails a page, deadlines on
database waits, the audit log lines and the client's address. Imports nothing of the project's apps.
"""
