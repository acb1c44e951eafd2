"""ensemble_predict_proba: my softmax exponentiates the raw logits.

loses: ensemble_matches_torch_softmax_and_is_stable
message: subtract each row's maximum
"""
# %% cell: ensemble_implementation
def ensemble_predict_proba(logits_list):
    """Ensemble probabilities."""
    probs = [np.exp(z) / np.exp(z).sum(axis=1, keepdims=True) for z in logits_list]
    return np.mean(probs, axis=0)
