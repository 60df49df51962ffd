"""The worker: delivers the outbox and runs the periodic jobs (`flask saveflow worker`)."""
