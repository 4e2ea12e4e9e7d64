"""What the tests share, each thing written once under one name (tests/ is on pytest's path,
so a test imports `from support.pages import page`):

- config: the settings the apps under test get, and each xdist worker's own database names;
- apps: the forum app of a test process, put back as built before each test;
- databases: a freshly migrated database for every test (SQLite restores, PostgreSQL schemas),
  and on PostgreSQL a second database to restore backups into;
- clients: test clients as devices: a guest's, or a signed-in member's;
- members: making members as joining does, and their recovery codes;
- content: threads and replies, their addresses, and the posting pace switched off;
- rows: reading rows back as the database has them now;
- clock: time moved on for one module, for what happens after a while;
- pages: a small HTML tree, and the parts of a page the tests read;
- forms: sending forms as a browser does (log in, join, compose, reply...);
- moderation: the moderators' scene, their forms, and the queue and log as shown;
- browser: Playwright helpers (serving an app, logging in, axe-core, watching a page);
- hostile: the hostile corpus (naughty strings, script and htmx payloads, expensive Markdown,
  bytes that aren't UTF-8), a stopwatch for the answers, and checks that nothing can run.
"""
