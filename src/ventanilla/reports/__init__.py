"""Reports for supervisors: rollups kept as tickets change, charts, CSV."""
