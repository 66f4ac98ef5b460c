-- mart_assessment_catalog: the club's assessment tests and their measures (club/assessment_tests.yaml), entered and derived, in the file's order.
SELECT
    test,
    test_name,
    measure,
    measure_name,
    unit,
    kind,
    min,
    max,
    levels,
    sided,
    trials,
    combine,
    better,
    real_change,
    real_change_unit,
    optional,
    derived,
    derived_from,
    display_order
FROM assessment_measures
