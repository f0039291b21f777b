"""Hidden-danger investigation and rectification (隐患排查治理), listed supervision."""
