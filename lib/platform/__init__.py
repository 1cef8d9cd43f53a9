"""Supabase platform watch through the Management API: backups, health, advisors, Auth logs."""
