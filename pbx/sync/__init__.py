"""The PBX sync: render the document (render.py), push and reconcile (tasks.py), talk to the PBX
(client.py, the only code that does). The revision bump every feature calls is core.revision."""
