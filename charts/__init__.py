"""Charts as SVG, drawn with matplotlib from plain numbers: what public and surveys both show.

Below the pages: it reads no edition and imports nothing of the project's apps; each app
turns its rows into the numbers drawn here.
"""
