"""The seller's working time, the week's schedule and the day's route: no Django."""
