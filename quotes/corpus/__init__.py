"""The corpus across articles: one registry of people and organisations (resolve), the
refresh that groups reprinted quotes and related claims and links follow-ups
(tracking), and the fact-checks users add (reviews).

Corpus reads and writes the database through quotes.store; it never imports the web.
"""
