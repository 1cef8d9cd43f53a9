"""The migration versions this code expects, because Vercel's bundles leave supabase/ out."""

# Sorted, one per line: adding a migration file without its line here fails
# tests/test_schema_version.py, which prints the line to add.
MIGRATION_VERSIONS: tuple[str, ...] = (
    "20261127120000",
    "20261127160000",
    "20261127160001",
    "20261127170000",
    "20261203110000",
    "20261203115000",
    "20261203120000",
    "20261203130000",
    "20261203140000",
    "20261203160000",
    "20261203170000",
    "20261203180000",
    "20261203190000",
    "20261206010000",
    "20261206030000",
    "20261206040000",
    "20261206070000",
    "20261207010000",
    "20261207010100",
    "20261207040000",
    "20261207050000",
    "20261207060000",
    "20261207070000",
    "20261208010000",
    "20261208030000",
)
