"""Messages and data out: the transactional outbox, email (the only importer of `sendgrid`),
signed outbound webhooks and customer-success alerts."""
