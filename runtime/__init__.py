"""What every layer of the project runs on: the cache that never fails a page, deadlines on
database waits, the audit log lines, the client's address, and a page's address in each language
with the sitemap built on it. Imports nothing of the project's apps.
"""
