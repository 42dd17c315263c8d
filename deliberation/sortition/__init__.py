"""Fair stratified selection (sortition) of a citizen panel: the pure core, no Django import.

The `deliberation` Celery task loads volunteers and quotas, calls `select` (or the steps below) and
saves the `SelectionResult`. The steps, each usable alone:

1. `check_feasibility`: clear English messages when the quotas cannot be met, naming the strata and
   the smallest relaxation that would make a panel possible (`SortitionInfeasible`).
2. `find_distribution`: leximin on the open solver HiGHS, over profile types (`deliberation.leximin`):
   the lottery over valid panels that maximises the smallest selection probability, then the second
   smallest, and so on. Volunteers with the same profile and no housemate in the pool are interchangeable,
   so the lottery is over *compositions* (seats per group of such volunteers), published as a
   `deliberation.lottery.Lottery`. `algorithm="maximin"` runs sortition-algorithms' maximin instead
   (much slower on large pools; its panels become a lottery of one-person groups).
3. `draw_lottery`: one public, reproducible draw of a panel from the published lottery and the revealed
   seed (with a public value named beforehand, if any). `draw` keeps the procedure of draws recorded
   before lotteries had groups (an explicit portfolio of panels).
4. `reserve_list` / `replace_dropout`: a seeded, ranked reserve list and quota-preserving replacement.

Why a portfolio and not a greedy draw: the legacy greedy algorithm gives some volunteers (those in
over-represented strata) a far smaller chance than others; maximin makes the worst-off chance as large
as the quotas allow (Flanigan et al., Nature 2021), and publishing the portfolio plus the seed lets
anyone re-run the draw.

One module per concern, every public name re-exported here (`from deliberation.sortition import select`):
`base` (errors, data, progress events, input checks), `quotas` (reference shares, proposed quotas),
`feasibility` (step 1), `distribution` (steps 2 and 3), `reserves` (step 4), `run` (`select`, the whole
run), `takeover` (a draw taken over after its worker was lost draws from the lottery already
published). The published lottery itself is `deliberation.lottery`, re-exported here too."""

from ..lottery import Lottery, LotteryError, commitment
from ..lottery import draw as draw_lottery
from ..lottery import from_portfolio as lottery_from_portfolio
from .base import (
    ALGORITHMS,
    LEXIMIN_REFINE_SECONDS,
    Distribution,
    NoValidReplacement,
    Portfolio,
    ProgressCallback,
    ProgressEvent,
    Quota,
    QuotaOutcome,
    Replacement,
    SelectionResult,
    SortitionError,
    SortitionInfeasible,
    SortitionInputError,
    Volunteer,
    default_algorithm,
)
from .distribution import draw, find_distribution, marginal_probabilities, new_seed, profile_groups
from .feasibility import check_feasibility, library_inputs
from .quotas import REFERENCE_SHARES_FR, load_reference_shares, propose_quotas
from .reserves import panel_composition, replace_dropout, reserve_list
from .run import as_dict, draw_panel, select
from .takeover import inputs_sha256, published_distribution, same_commitment

__all__ = [
    "Lottery",
    "LotteryError",
    "commitment",
    "draw_lottery",
    "lottery_from_portfolio",
    "ALGORITHMS",
    "LEXIMIN_REFINE_SECONDS",
    "default_algorithm",
    "SortitionError",
    "SortitionInputError",
    "SortitionInfeasible",
    "NoValidReplacement",
    "Volunteer",
    "Quota",
    "QuotaOutcome",
    "Portfolio",
    "Distribution",
    "SelectionResult",
    "Replacement",
    "ProgressEvent",
    "ProgressCallback",
    "REFERENCE_SHARES_FR",
    "load_reference_shares",
    "propose_quotas",
    "library_inputs",
    "check_feasibility",
    "marginal_probabilities",
    "profile_groups",
    "find_distribution",
    "new_seed",
    "draw",
    "panel_composition",
    "reserve_list",
    "replace_dropout",
    "select",
    "draw_panel",
    "as_dict",
    "inputs_sha256",
    "published_distribution",
    "same_commitment",
]
