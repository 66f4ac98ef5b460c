-- mart_ostrc_areas: the body areas the club asks the OSTRC check-in about (club/ostrc_areas.yaml), in the file's order.
SELECT
    area,
    label,
    lower_limb,
    row_number() OVER () AS position
FROM ostrc_areas
