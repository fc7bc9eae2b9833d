"""What the catalog tells higher apps, which it may not import (registry <- catalog <- replication).

`app_mentors_declared`: a publiccode.yml import declared the app's mentors (`x-lumbung.mentors`).
The catalog keeps them as the app's mentor contacts (AppContact, role "mentor": what its export
writes back); whom to ask about an app is shown by the replication app, which records them as its own
mentor contacts. Sent inside the import's transaction, after the app is saved, with:

    sender  the App class
    app     the App
    mentors the declared mentors, a list of catalog.services.ContactInput (possibly empty)
    notes   a list a receiver appends to what it could not apply (the import shows them)

A receiver that refuses a mentor raises ValidationError keyed "[<index>].<key>" (`<key>` one of the
document's name, email, phone, affiliation); the import reports it under x-lumbung.mentors and saves
nothing.
"""

from django.dispatch import Signal

app_mentors_declared = Signal()
