"""What the clients app tells the apps above it; they connect receivers in their
AppConfig.ready, so clients never imports them."""

from django.dispatch import Signal

# Sent inside the reassignment's transaction with ``moves``: {client id: new seller id or
# None}. The agenda hands the clients' open tasks to their new seller.
clients_reassigned = Signal()
