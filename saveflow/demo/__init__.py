"""Demo history: months of made-up but lifelike cancel sessions for the demo app, so the first
reports a newcomer opens have something to say. Only under SAVEFLOW_DEMO."""
