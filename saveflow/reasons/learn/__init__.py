"""The statistical half of the classifier: corpus, features, model, training and evaluation."""
