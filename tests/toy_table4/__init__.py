"A toy Table 4, written as a new table is: a recipe module, a report module and an experiment module (test_toy_table.py)."
