"""What other apps may react to, without agreements knowing them."""

from django.dispatch import Signal

# Sent inside the cancelling transaction, with `actor` and `agreement` (already cancelled): a
# receiver that fails rolls the cancellation back. matching releases the capacity reserved for
# the agreement's proposal.
agreement_cancelled = Signal()
