"""A portfolio with enough history to fit: 25 clients per seller (Ana, Bruno, Carla),
each buying at its own rhythm for up to two years before ``T``, some gone quiet."""

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest

from carteira.orders.models import Order
from tests.histories import T
from tests.personas import make_client


@pytest.fixture
def buyers(seller_ana, seller_bruno, seller_carla):
    rng = np.random.default_rng(11)
    clients, orders = {}, []
    for seller, prefix in ((seller_ana, "A"), (seller_bruno, "B"), (seller_carla, "C")):
        for n in range(25):
            code = f"{prefix}{n:02d}"
            client = make_client(code, seller, segment="farmácias" if n % 2 else "mercados")
            clients[code] = client
            start = int(rng.integers(120, 730))
            gap = float(rng.gamma(2, 15))
            stop = start - int(rng.exponential(600))  # goes quiet here (may be after T)
            mean = float(rng.gamma(3, 300))
            day = float(start)
            while day >= max(stop, 0):
                orders.append(
                    Order(
                        external_id=f"P{code}-{len(orders)}",
                        client=client,
                        seller=seller,
                        date=T - dt.timedelta(days=int(day)),
                        amount=Decimal(str(round(float(rng.gamma(4, mean / 4)) + 1, 2))),
                    )
                )
                day -= float(rng.exponential(gap))
    Order.objects.bulk_create(orders)
    return clients
