"""ensemble_predict_proba: I average the logits and take one softmax.

loses: ensemble_of_two_disagreeing_models, ensemble_matches_torch_softmax_and_is_stable
message: you averaged the logits
"""
# %% cell: ensemble_implementation
def ensemble_predict_proba(logits_list):
    """Ensemble probabilities."""
    z = np.mean(logits_list, axis=0)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)
