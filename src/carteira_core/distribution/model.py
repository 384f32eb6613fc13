"""The contract between the web app and the distribution core: frozen dataclasses."""

from dataclasses import dataclass


@dataclass(frozen=True)
class SellerIn:
    id: int
    latitude: float | None
    longitude: float | None
    capacity: float  # contacts per week
    segments: frozenset[str] = frozenset()  # empty: serves every segment
    can_receive: bool = True  # False: leaving or on leave; all their clients move

    def serves(self, segment: str) -> bool:
        return not self.segments or not segment or segment in self.segments


@dataclass(frozen=True)
class ClientIn:
    id: int
    latitude: float | None
    longitude: float | None
    workload: float  # required contacts per week (from the action plan frequency)
    revenue: int  # in cents, over the ABC window: weighs the cost of moving the client
    segment: str = ""
    seller: int | None = None  # today's seller


@dataclass(frozen=True)
class Options:
    tolerance: float = 0.05  # each seller's workload/capacity within ±5 % of the mean
    # What moving one average client "costs", in km of travel per contact a week: the
    # optimiser moves a client to shorten routes only when it saves more than this.
    move_km: float = 40.0
    revenue_weight: float = 1.0  # a client with the mean revenue costs (1 + this) moves
    # Revenue balance: clients fall into revenue_classes classes by revenue per contact;
    # each seller should carry its capacity share of every class within ±revenue_tolerance
    # (None: revenue not balanced). revenue_km: the extra travel, in km per contact a week,
    # the proposal accepts to keep a seller's share of a class in that band.
    revenue_tolerance: float | None = 0.10
    revenue_classes: int = 8
    revenue_km: float = 400.0
    # After the flow, LP + MIP passes move a few clients between neighbouring sellers to
    # bring revenue within the band (revenue.py; 0: none).
    revenue_repair_passes: int = 2
    # Compact territories: the distance a client counts is (1 − compactness) · to the
    # seller's base + compactness · to the centre of the seller's territory, the centres
    # found by up to centre_rounds Lloyd rounds (flow, move each centre to its clients'
    # centroid, flow again). 0: distance to the base only, one flow.
    compactness: float = 0.7
    centre_rounds: int = 6
    # Fewest moves: after the flow, CP-SAT finds the fewest clients that must change hands
    # for every seller to be in the band (bounds.solve_groups, the hint the flow's answer);
    # distance then only chooses which clients of a group move. fewest_moves_time: CP-SAT's
    # deterministic time limit (one worker: the same input gives the same proposal).
    fewest_moves: bool = False
    fewest_moves_time: float = 5.0
    fewest_moves_region_km: float = 200.0  # groups split by squares this wide (see bounds)
    cell_km: float = 8.0  # side of the grid cells clients are aggregated into
    # Candidate sellers per cell (nearest bases), plus today's seller. Fewer arcs solve faster
    # but can leave a remote seller unreachable (bench seed 2: max/mean 1.5 with 12).
    neighbours: int = 50
    repair_rounds: int = 2000


@dataclass(frozen=True)
class Move:
    client: int
    seller_from: int | None
    seller_to: int


@dataclass(frozen=True)
class Proposal:
    assignment: dict[int, int]  # client id -> seller id (every client with a seller)
    moves: tuple[Move, ...]
    unserved: tuple[int, ...]  # clients whose segment no receiving seller serves
    cells: int
    status: str  # the min-cost-flow solver's status
