"""Reading an uploaded file: rows of a CSV or XLSX file, messages as data, the rules of typed text.

Below the domain: it knows nothing of editions and imports nothing of the project's apps.
"""
