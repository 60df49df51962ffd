"""What became of each save after the decision: billing's news, realized revenue, save status."""
