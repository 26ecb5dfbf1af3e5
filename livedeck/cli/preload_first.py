"""The fork server's first import, before torch's (workers.start_server): Python's cyclic garbage collector
pauses while the server imports. Importing frees next to nothing, and each full pass walks every object torch
and matplotlib have made so far: a quarter of the server's import time, measured. The server's last import,
livedeck.cli.preload, freezes what was imported and turns the collector back on."""
import gc

gc.disable()
