"""The device that recorded a FIT file, named as the FIT profile names it (file_id message).

"<manufacturer> <product>": the manufacturer's profile name; the product's profile name where the
profile names that manufacturer's products (garmin_product: Garmin, Dynastream, Tacx), else the
file's product_name, else its product number. So a Forerunner 965 reads "garmin fr965", a Wahoo
computer "wahoo_fitness 28". A change of device changes how running form is measured (a chest
strap or foot pod measures ground contact, a wrist watch estimates it), so trends mark it.
"""

from __future__ import annotations

from functools import lru_cache

_FILE_ID, _PRODUCT = 0, 2


@lru_cache(maxsize=1)
def _profile_names() -> tuple[dict[int, str], dict[int, str], frozenset[int]]:
    """Manufacturer names, Garmin product names and the manufacturers whose products those name."""
    # Imported here, not at the top: the profile takes ~0.17 s to import, paid only by FIT files.
    from garmin_fit_sdk import Profile

    product = Profile["messages"][_FILE_ID]["fields"][_PRODUCT]
    named_by = frozenset(
        reference["raw_value"]
        for sub_field in product["sub_fields"]
        if sub_field["name"] == "garmin_product"
        for reference in sub_field["map"]
    )
    types = Profile["types"]
    return types["manufacturer"], types["garmin_product"], named_by


def device_name(file_ids: list[dict]) -> str | None:
    """The recording device of the first file_id stating a manufacturer (None: none does)."""
    stated = next((f for f in file_ids if f.get("manufacturer") is not None), None)
    if stated is None:
        return None
    manufacturers, garmin_products, named_by = _profile_names()
    maker = stated["manufacturer"]
    product = stated.get("product")
    if maker in named_by and product in garmin_products:
        product = garmin_products[product]
    else:
        product = stated.get("product_name") or product
    name = manufacturers.get(maker, f"manufacturer {maker}")
    return name if product is None else f"{name} {product}"
