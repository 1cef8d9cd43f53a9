"""The troubleshooting steps of CarBot's monitoring guide, as data the recommendations cite."""

from __future__ import annotations

PROCEDURES: dict[str, tuple[str, tuple[str, ...]]] = {
    "site_down": (
        "Site Down (Complete Outage)",
        (
            "Check Vercel status page",
            "Verify DNS resolution",
            "Check recent deployments; roll back if necessary",
            "Review error logs and third-party service status; identify the root cause",
        ),
    ),
    "database": (
        "Database Connection Errors",
        (
            "Check Supabase status",
            "Check connection pool limits",
            "Review database credentials",
            "Contact Supabase support if persistent",
        ),
    ),
    "database_performance": (
        "Database Optimization",
        (
            "Identify slow queries (pg_stat_statements, mean time)",
            "Update table statistics (ANALYZE)",
            "Rebuild indexes if needed (REINDEX CONCURRENTLY)",
        ),
    ),
    "payments": (
        "Payment Processing Failures",
        (
            "Check Stripe dashboard for error details",
            "Review webhook endpoint logs",
            "Verify API keys are correct",
            "Retry failed webhooks; update Stripe configuration",
        ),
    ),
    "email": (
        "Email Delivery Issues",
        (
            "Check DNS records",
            "Review sender reputation",
            "Update email templates",
            "Verify API quotas",
        ),
    ),
    "chat": (
        "Chat System Not Responding",
        (
            "Check OpenAI API status",
            "Review token usage limits",
            "Check API keys and quotas",
            "Optimize prompt efficiency",
        ),
    ),
    "performance": (
        "Application Optimization",
        (
            "Monitor bundle sizes and loading times",
            "Optimize images and static assets",
            "Review API response caching",
            "Implement database query optimization",
        ),
    ),
    "costs": (
        "Cost Optimization",
        (
            "Review API usage patterns",
            "Implement caching strategies",
            "Monitor third-party service costs",
            "Optimize prompt efficiency",
        ),
    ),
    "security": (
        "Security Monitoring",
        (
            "Review failed login attempts and unusual access patterns",
            "Check API rate limit violations",
            "Audit log review",
        ),
    ),
    "operations": (
        "Monitoring Checklist",
        (
            "Check the cron job's last run and error in monitoring_cron_runs",
            "Verify the Vercel cron schedule and CRON_SECRET",
            "Renew the certificate before it expires",
        ),
    ),
}

# Alert rule (the part of the key before ":") → the procedure its episodes point to.
RULE_PROCEDURES: dict[str, str] = {
    "service_unresponsive": "site_down",
    "service_down": "site_down",
    "error_rate": "site_down",
    "function_crashes": "site_down",
    "deployment_regression": "site_down",
    "build_failed": "site_down",
    "database_connection_errors": "database",
    "database_query_time": "database_performance",
    "database_storage": "database_performance",
    "payment_failure_rate": "payments",
    "email_bounce_rate": "email",
    "openai_cost_increase": "costs",
    "response_time": "performance",
    "web_vitals": "performance",
    "failed_logins": "security",
    "cron_late": "operations",
    "tls_expiry": "operations",
}
