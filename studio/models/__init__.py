"""Qt models: QObjects that hold observable state, expose actions and turn core events
into signals. No widgets here; widgets bind to these."""
