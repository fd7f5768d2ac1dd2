"""Migration of an old mailbox: archives (eml, mbox, Maildir) read and replayed as history."""
