"""Local tooling (not bundled by Vercel): dev server, local PostgreSQL, migrations, the CLI."""
