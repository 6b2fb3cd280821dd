from django.utils import timezone
from ninja import Router
from ninja.pagination import paginate

from loket.instruments import selectors
from loket.instruments.schemas import CallTopicOut, InstrumentOut

router = Router(tags=["instruments"])


@router.get("/", response=list[InstrumentOut], auth=None, operation_id="instruments_list")
@paginate
def instruments_list(
    request, level: str = "", category: str = "", q: str = "", historical: bool = False
):
    """Access: public. The support-instrument catalogue."""
    filters = {"level": [level] if level else [], "category": [category] if category else []}
    return selectors.instrument_list(filters=filters, q=q[:200], historical=historical)


@router.get("/calls", response=list[CallTopicOut], auth=None, operation_id="instruments_calls")
@paginate
def calls_list(request, q: str = "", programme: str = ""):
    """Access: public. Open and forthcoming EU call topics."""
    return selectors.call_list(q=q[:200], programme=programme[:200], today=timezone.localdate())


@router.get("/{slug}", response=InstrumentOut, auth=None, operation_id="instruments_get")
def instrument_get(request, slug: str):
    """Access: public."""
    return selectors.instrument_get(slug=slug)
